/**
 * How the platform's process writes its log: JSON lines for a log collector, readable lines on a
 * terminal, each with the id of the request it was written for (web.RequestLog).
 */
package io.linkpoints.portal.logging;
