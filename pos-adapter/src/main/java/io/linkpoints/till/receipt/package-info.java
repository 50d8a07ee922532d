/**
 * ESC/POS receipts carrying the shop code as a QR code. Imports nothing of {@code io.linkpoints}.
 */
package io.linkpoints.till.receipt;
