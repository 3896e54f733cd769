import middy from '@middy/core';
import { loadLinkConfig } from '../../shared/config.js';
import { loadLinkSecret } from '../../shared/homevisits/links.js';
import { contactListLink } from '../../shared/homevisits/shortlinks.js';
import { runDigests } from '../../shared/homevisits/sms.js';
import { awsPhoneDeps } from '../phone/deps.js';

const { deps } = awsPhoneDeps('anxin-reminders');
const links = loadLinkConfig();

/**
 * Every morning at 08:30 Asia/Shanghai (EventBridge Scheduler): each contact's home-visit digest and
 * the township supervisors' overdue digests, queued as text jobs for the dispatcher. A second run the
 * same day sends nothing (once-only keys per contact and day). Each digest carries a short link to
 * the contact's list, where each elder has a signed link to the visit form.
 */
export const handler = middy(async () => {
  const secret = await loadLinkSecret(links);
  return runDigests({
    ...deps,
    linkFor: (contactId) =>
      links.baseUrl ? contactListLink(deps.db, secret, links.baseUrl, contactId, deps.now()) : undefined,
  });
});
