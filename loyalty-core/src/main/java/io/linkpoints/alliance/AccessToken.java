package io.linkpoints.alliance;

/** A bearer token as handed to staff or a terminal, with its seconds to live when it was issued. */
public record AccessToken(String token, long expiresInSeconds) {
}
