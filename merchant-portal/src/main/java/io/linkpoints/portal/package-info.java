/**
 * The merchant portal: the launcher ({@code linkpoints.jar}) and the pages served as a
 * {@code WebModule}. On top: may import loyalty-core ({@code app}, {@code web}, {@code platform})
 * and {@code portal.demo}.
 */
package io.linkpoints.portal;
