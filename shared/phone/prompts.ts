import type { CaseReason } from './case.js';
import type { CallPrompt } from './providers.js';
import {
  checkInPromptParts,
  helpGoodbye,
  type Language,
  noInputGoodbye,
  notifyPrompt,
  notifyThanks,
  wellGoodbye,
} from './texts.js';

/** How many times a call asks its question at most (the first time, then on a wrong key or none). */
export const MAX_PROMPTS = 3;

/**
 * The check-in call's prompt: who, where, a campaign's script, and the keys (1 well, 2 help, 0 or a
 * wrong key: asked again). Built by the dispatcher, carried with the call: nothing is read during it.
 */
export function checkInCallPrompt(
  elder: { name: string; language: Language; village: string },
  campaignScript?: string,
): CallPrompt {
  const parts = checkInPromptParts(elder.language, elder.name, elder.village, campaignScript);
  return {
    language: elder.language,
    before: parts.before.slice(0, 8),
    ask: parts.ask,
    keys: { '1': 'well', '2': 'help' },
    repeats: MAX_PROMPTS,
    goodbye: {
      well: wellGoodbye(elder.language),
      help: helpGoodbye(elder.language),
      noInput: noInputGoodbye(elder.language),
    },
    template: {
      key: campaignScript ? 'checkIn.campaign' : 'checkIn',
      params: { name: elder.name, village: elder.village },
    },
  };
}

/** The escalation call's prompt: a relative or the duty phone acknowledges with 1. */
export function notifyCallPrompt(elder: { name: string; village: string }, reason: CaseReason): CallPrompt {
  return {
    language: 'cmn',
    before: [],
    ask: notifyPrompt(elder.name, elder.village, reason),
    keys: { '1': 'acknowledge' },
    repeats: MAX_PROMPTS,
    goodbye: { acknowledge: notifyThanks(), noInput: noInputGoodbye('cmn') },
    template: { key: `notify.${reason}`, params: { name: elder.name, village: elder.village } },
  };
}
