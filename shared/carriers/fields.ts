import * as z from 'zod';

/** A field the carriers send as a string in one version of their docs and a number in another. */
export const carrierText = z.union([z.string(), z.number()]).transform(String);

/** The same, optional: null, missing and '' all read as absent. */
export const optionalCarrierText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : String(v)));
