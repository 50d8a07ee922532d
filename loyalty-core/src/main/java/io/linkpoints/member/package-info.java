/**
 * Members joining and signing in by phone, their devices (phones) and their activity, with their
 * routes. The services answer with records; {@code MemberJson} and the routes render them.
 * A feature: may import the floor and {@code ledger}.
 */
package io.linkpoints.member;
