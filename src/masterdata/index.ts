/** Master data: CSV import (CONTRACTS.md section 2) and the identifier normalisation it shares. */
export { formatImportReport, type ImportReport, importMasterData } from './import.ts';
export type { FileReport, ImportError } from './prepare.ts';
export {
  emailDomain,
  normaliseEmail,
  normaliseFax,
  normaliseGtin,
  normaliseTaxId,
  parseGtin,
  taxIdSlips,
  taxIdVariants,
} from './normalise.ts';
