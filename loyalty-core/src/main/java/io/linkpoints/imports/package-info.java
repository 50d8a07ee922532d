/**
 * Member import (issue 18): a shop's regulars and their opening points from its old system, from a
 * streamed CSV; a dry run, then an all-or-nothing, idempotent, resumable import whose opening
 * balances are lots issued by the importing shop.
 */
package io.linkpoints.imports;
