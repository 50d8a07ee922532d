/**
 * Members joining and signing in by phone, their devices (phones) and their activity, with their
 * routes. A feature: may import the floor and {@code ledger}.
 */
package io.linkpoints.member;
