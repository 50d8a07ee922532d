/**
 * The till's side of Linkpoints (module pos-adapter): what runs at the shop and speaks to the
 * service only over its HTTP API, so it imports nothing of loyalty-core ({@code io.linkpoints.pos}
 * and {@code io.linkpoints.qr} there are the server's side). Its packages, lowest first
 * (LayeringTest checks it): {@code offline}, {@code qr}, {@code receipt} (nothing of ours) →
 * {@code client} ({@code offline}) → {@code fleet} ({@code client}) and {@code sim} ({@code client},
 * {@code qr}, {@code receipt}).
 */
package io.linkpoints.till;
