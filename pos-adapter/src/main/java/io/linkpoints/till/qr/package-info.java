/**
 * Reading member codes at the till: camera frames and images (QR and Code 128) and keyboard-wedge
 * scanner input. Imports nothing of {@code io.linkpoints} (the server checks codes in loyalty-core's
 * {@code io.linkpoints.qr}).
 */
package io.linkpoints.till.qr;
