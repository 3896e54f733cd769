import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Runs DynamoDB Local bound to one address (127.0.0.1 unless ANXIN_DYNAMO_HOST says otherwise).
 *
 * DynamoDB Local's documented options (-port, -inMemory, -dbPath, -sharedDb, -disableTelemetry, -cors)
 * have no host: its Jetty server listens on every interface. This launcher builds the server from the
 * same command line, sets the host on its connector before it starts, then starts it and waits.
 * Run with the jar and its lib folder on the class path: java -cp 'DynamoDBLocal.jar:DynamoDBLocal_lib/*'
 * DynamoLoopback.java -port 8000 -inMemory
 */
public class DynamoLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getenv().getOrDefault("ANXIN_DYNAMO_HOST", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost(host);
        bound++;
      }
    }
    if (bound == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to " + host);
    try {
      proxy.start();
    } catch (Exception e) {
      // e.g. the port is taken: exit at once (Jetty's threads would keep a failed JVM alive)
      System.err.println("anxin-dynamo-failed " + e);
      System.exit(1);
    }
    System.out.println("anxin-dynamo-ready " + host);
    proxy.join();
  }
}
