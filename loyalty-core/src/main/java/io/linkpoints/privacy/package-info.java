/**
 * Member data rights under PIPL (issue 18): the member's consents, one row per change
 * ({@code Consents}), and the routes ({@code PrivacyRoutes}). The insight queries of
 * {@code settlement} ({@code CrossVisits}, {@code CustomerOverlap}) read the latest
 * {@code visit_sharing} row in SQL. A feature on the floor only (docs/privacy.md).
 */
package io.linkpoints.privacy;
