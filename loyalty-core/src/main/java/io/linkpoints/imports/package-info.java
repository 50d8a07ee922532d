/**
 * Member import (issue 18): a shop's regulars and their opening points from its old system, from a
 * streamed CSV or XLSX (the spreadsheet's first sheet turned into the same CSV by a streaming zip +
 * StAX reader); a dry run, then an all-or-nothing, idempotent, resumable import whose opening
 * balances are lots issued by the importing shop. Imports the floor and {@code ledger}.
 */
package io.linkpoints.imports;
