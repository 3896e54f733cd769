// placeholder: replaced by the admin API handler
export const handler = async () => ({ statusCode: 200, body: 'ok' });
