/**
 * Access tokens and their keys, passwords, members' sign-in codes, sign-in limits, device-secret sealing
 * and the access gate that decides who may call each operation. Floor: may import {@code platform} and
 * {@code web}, never a feature.
 */
package io.linkpoints.auth;
