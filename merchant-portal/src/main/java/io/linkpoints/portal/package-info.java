/**
 * The merchant portal: the launcher ({@code linkpoints.jar}) and the pages served as a
 * {@code WebModule}. The module sits on top of loyalty-core and pos-adapter; its packages, lowest
 * first (LayeringTest checks it): {@code portal.demo} and {@code portal.bench}, neither using the
 * other → {@code portal}, which may import loyalty-core ({@code app}, {@code web}, {@code platform})
 * and {@code portal.demo}.
 */
package io.linkpoints.portal;
