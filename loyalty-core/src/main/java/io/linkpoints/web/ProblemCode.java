package io.linkpoints.web;

import java.util.Locale;

/**
 * The one catalogue of refusals: every {@code code} a problem+json answer can carry, with its HTTP
 * status, whether the same request sent again unchanged may be answered differently, and what it
 * means. Every throw site names one of these; the contract's {@code Problem.code} enum is this list
 * (ProblemCodeContractTest), and no code is written as a string anywhere else (ProblemCodeLiteralsTest).
 * The wire codes are part of the API: add, never rename.
 *
 * <p>{@code retryable} is for a client deciding whether to send the same request again (with the
 * same Idempotency-Key): true only where the refusal is about the service's moment (busy, down,
 * rate-limited, an unexpected error), never about the request or the state of the things it names.
 */
public enum ProblemCode {
  // 400: the request itself is wrong; nothing was done.
  BAD_REQUEST(400, false, "the request is not acceptable as sent"),
  MALFORMED_JSON(400, false, "the body is not valid JSON"),
  VALIDATION_FAILED(400, false, "the request does not match the contract's schema or a field's rule"),
  INVALID_PARAMETER(400, false, "a parameter or body field is out of range or badly formed"),
  INVALID_REQUEST(400, false, "a POS request's field cannot be used as given (e.g. an id that is not a UUID)"),
  IDEMPOTENCY_KEY_REQUIRED(400, false, "this call changes something and needs an Idempotency-Key header"),
  INVALID_RANGE(400, false, "a date range is reversed or longer than allowed"),
  INVALID_TIME_ZONE(400, false, "the time zone is not a known IANA zone"),
  INVALID_WINDOW(400, false, "a campaign's start and end are reversed or out of bounds"),
  INVALID_BENEFIT(400, false, "a campaign's benefit is incomplete or contradicts its kind"),
  INVALID_FUNDING(400, false, "a campaign's funding shares do not add up or name the wrong shops"),
  INVALID_PROMOTION(400, false, "a promotion's kind and boost, time window or dates contradict each other"),
  INVALID_PASSPORT(400, false,
      "a passport's shops, stamps required, dates, reward or funding split break a rule"),
  INVALID_IMPORT_FILE(400, false,
      "a member import's file is empty, lacks the header, has an overlong field or is not UTF-8 text"),
  INVALID_SPREADSHEET(400, false,
      "a member import's XLSX is not a readable workbook, has a DTD, or unzips beyond the limits"),
  ENDPOINT_NOT_ALLOWED(400, false,
      "a webhook URL must be http(s) on a host that is and resolves to public addresses only"),
  CREATOR_NOT_NAMED(400, false, "the shop creating a campaign must be among its issuers or funders"),
  UNKNOWN_SHOP(400, false, "a shop named in the body is not in this alliance"),
  HOLD_REQUIRED(400, false, "a release names its hold: exactly one of holdId and reserveKey"),
  MEMBER_REQUIRED(400, false, "a POS call names its member: exactly one of memberCode and visitId"),
  PARTIES_MUST_DIFFER(400, false, "payer and payee are the same party"),
  POINTS_OR_SPEND_REQUIRED(400, false, "give exactly one of points and spendFen"),
  SCANNED_AT_REQUIRED(400, false, "an offline sale must say when the code was scanned"),
  SCANNED_AT_INVALID(400, false, "the scan time is in the future or older than the offline limit"),
  INVALID_COMMAND(400, false, "a ledger command is incomplete or contradicts its flags"),
  INVALID_AMOUNT(400, false, "an amount is not from 1 to the largest allowed, or would overflow a balance"),
  ACCOUNTS_MUST_DIFFER(400, false, "a transfer's debit and credit accounts are the same"),
  INVALID_TIERS(400, false,
      "tier definitions break a rule: 1 to 10 levels, names of 1 to 40 characters, thresholds strictly increasing"),
  INVALID_BIRTHDAY(400, false, "no such day: the day is past the end of the month (February has 29)"),
  INVALID_TIER_PERKS(400, false,
      "a shop's tier perks break a rule: a level the tiers do not have, a level or a coupon campaign named twice"),
  INVALID_ADJUSTMENT(400, false,
      "a points adjustment breaks a rule: zero points, a correction of a sale without its accrualId or crediting points"),

  // 401: no valid credential.
  UNAUTHORIZED(401, false, "a credential is required"),
  TOKEN_MISSING(401, false, "an access token is required (Authorization: Bearer ...)"),
  TOKEN_INVALID(401, false, "the access token is not one of ours, or is damaged"),
  TOKEN_EXPIRED(401, false, "the access token has expired: sign in again"),
  TERMINAL_REVOKED(401, false, "the terminal's token was revoked by its shop"),
  CLOSED_ACCOUNT(401, false, "the member closed this account: its tokens no longer work"),
  INVALID_CREDENTIALS(401, false, "the username or password is not right"),
  DEVICE_SECRET_INVALID(401, false, "a terminal's device secret is not right, or the terminal was revoked"),
  ENROLMENT_SECRET_INVALID(401, false,
      "a terminal's enrolment secret is not right, already used or expired, or its terminal was revoked"),
  SIGN_IN_CODE_INVALID(401, false,
      "the member's one-time sign-in code is not right, already used, or none was asked for"),
  SIGN_IN_CODE_EXPIRED(401, false, "the member's one-time sign-in code has expired: request a new one"),

  // 403: known, but not allowed.
  FORBIDDEN(403, false, "not allowed"),
  ROLE_NOT_ALLOWED(403, false, "the caller's role may not do this"),
  NOT_YOUR_ALLIANCE(403, false, "this belongs to another alliance"),
  NOT_YOUR_SHOP(403, false, "this belongs to another shop"),
  TIER_REQUIRED(403, false, "this coupon is only for members holding a higher tier"),
  SHOP_SUSPENDED(403, false, "the shop, or a shop this needs, is suspended by the alliance"),
  SHOP_EXITED(403, false, "the shop has left the alliance"),
  SELF_APPROVAL(403, false, "the proposer of a points adjustment may not approve or reject it (four eyes)"),

  // 404: nothing by that id here (another alliance's things are not found, not forbidden).
  NOT_FOUND(404, false, "nothing by that id here"),
  SHOP_NOT_FOUND(404, false, "no such shop in this alliance"),
  EXIT_NOT_FOUND(404, false, "this shop has no exit from the alliance"),
  PERIOD_NOT_FOUND(404, false, "no such settlement period in this alliance"),
  MEMBER_NOT_FOUND(404, false, "no such member in this alliance"),
  DEVICE_NOT_FOUND(404, false, "no such member device here"),
  ACCRUAL_NOT_FOUND(404, false, "no sale with that order reference at this shop"),
  COUPON_NOT_FOUND(404, false, "no such coupon for this member"),
  COUPON_INVALID(404, false, "no coupon has that code"),
  CAMPAIGN_NOT_FOUND(404, false, "no such campaign here"),
  PROMOTION_NOT_FOUND(404, false, "no such promotion at this shop"),
  ADJUSTMENT_NOT_FOUND(404, false, "no such points adjustment here (a shop sees its own only)"),
  PASSPORT_NOT_FOUND(404, false, "no such passport here, or it does not name this shop"),
  WEBHOOK_NOT_FOUND(404, false, "no such webhook endpoint here (an owner sees its shop's only)"),
  DELIVERY_NOT_FOUND(404, false, "no such delivery of this webhook endpoint"),
  HOLD_NOT_FOUND(404, false, "no such hold here"),
  CLAIM_CODE_INVALID(404, false, "no such coupon claim code"),
  ACCOUNT_NOT_FOUND(404, false, "a ledger account named does not exist in this alliance"),
  PENDING_TRANSFER_NOT_FOUND(404, false, "the hold to post or void does not exist"),
  REVERSAL_TARGET_NOT_FOUND(404, false, "the transfer to reverse does not exist"),
  TIERS_NOT_DEFINED(404, false, "the alliance has no tiers defined"),

  // 405, 413, 415: the HTTP envelope is wrong.
  METHOD_NOT_ALLOWED(405, false, "this path does not take that method"),
  BODY_TOO_LARGE(413, false, "the body is larger than the server accepts"),
  UNSUPPORTED_MEDIA_TYPE(415, false, "the body is not of a type this call takes"),

  // 409: the state of the things named refuses it; nothing was done.
  INSUFFICIENT_POINTS(409, false, "the wallet holds fewer available points than asked"),
  DEBITS_EXCEED_CREDITS(409, false, "the debit would take an account below what it may hold"),
  CREDITS_EXCEED_DEBITS(409, false, "the credit would take an account above what it may hold"),
  IDEMPOTENCY_KEY_REUSED(409, false, "the Idempotency-Key was used before for a different request"),
  NOT_A_HOLD(409, false, "the transfer named is not a hold"),
  HOLD_ALREADY_RESOLVED(409, false, "the hold was already posted or committed, voided or released, or timed out"),
  HOLD_EXPIRED(409, false, "the hold's time ran out; its points or coupon go back to the member when it is voided"),
  HOLD_RELEASED(409, false, "the redemption's hold was released: start again"),
  POST_EXCEEDS_HOLD(409, false, "more points posted than the hold holds"),
  OPEN_HOLDS(409, false, "the member has a redemption or coupon exchange open: finish it, then close the account"),
  ACCOUNTS_MISMATCH(409, false, "the accounts differ from those of the transfer named"),
  REVERSAL_TARGET_INVALID(409, false,
      "that transfer cannot be reversed (a hold, a void or itself a reversal), or the reversal runs the same way"),
  REVERSAL_EXCEEDS_ORIGINAL(409, false, "more reversed than the transfer moved"),
  CODE_ALREADY_USED(409, false, "the member or shop code was already used: show the next one"),
  CODES_USED_UP(409, false, "this phone has no member codes left in this time step"),
  DEVICE_REVOKED(409, false, "the member device was revoked"),
  NO_DEVICE(409, false, "the member has no bound device to make a code with"),
  USERNAME_TAKEN(409, false, "the username is already taken in this alliance"),
  PERIOD_EXISTS(409, false, "the settlement period is already open"),
  EXIT_ALREADY_STARTED(409, false, "the shop's exit from the alliance was already started"),
  EXIT_NOT_CANCELLABLE(409, false, "the shop's exit has completed, its end has come, or its points' expiry was shortened"),
  SHOP_EXITING(409, false, "the shop is leaving the alliance and issues no points"),
  PERIOD_CLOSED(409, false, "the settlement period is closed and cannot change"),
  PERIOD_NOT_ENDED(409, false, "the settlement period has not ended in the alliance's time zone"),
  PERIOD_NOT_RUN(409, false, "the settlement period has not been run yet"),
  ADJUSTMENT_NOT_PENDING(409, false, "the points adjustment was already approved or rejected"),
  NOT_A_CLOSED_EARLIER_PERIOD(409, false, "an adjustment must carry over from an earlier, closed period"),
  BIRTHDAY_LOCKED(409, false, "the member's birthday is set and only the alliance admin may change it"),
  CAMPAIGN_NOT_LIVE(409, false, "the campaign is paused, ended or outside its window"),
  CAMPAIGN_NOT_IN_MARKET(409, false, "the campaign is not sold for points in the market"),
  CAMPAIGN_SOLD_OUT(409, false, "the campaign has no coupons left"),
  CONSENT_REQUIRED(409, false, "the campaign waits for a named shop's owner to accept it"),
  MEMBER_LIMIT_REACHED(409, false, "the member already holds as many of this campaign's coupons as allowed"),
  MINIMUM_SPEND_NOT_MET(409, false, "the sale is below the coupon's minimum spend"),
  COUPON_NOT_VALID_HERE(409, false, "this coupon is not honoured at this shop"),
  COUPON_NOT_ACTIVE(409, false, "the coupon's campaign is paused, awaits consent or has not started yet"),
  COUPON_ALREADY_USED(409, false, "the coupon is held by another sale or already redeemed"),
  COUPON_EXPIRED(409, false, "the coupon's validity has ended"),
  CLAIM_CODE_USED(409, false, "the coupon claim code was already claimed"),
  EXCHANGE_FAILED(409, false, "the points exchange for a coupon did not complete; nothing was taken"),

  // 422: well-formed, but what it carries is not acceptable.
  END_DATE_OUT_OF_RANGE(422, false, "a shop exit's end date must be from tomorrow up to a year ahead in the alliance's time zone"),
  CODE_INVALID(422, false, "not a valid Linkpoints member or shop code"),
  CODE_EXPIRED(422, false, "the member or shop code has expired: show a fresh one"),
  VISIT_INVALID(422, false, "the visit token is not valid for this shop"),
  REFUND_EXCEEDS_SALE(422, false, "more refunded than the sale's amount still unrefunded"),
  NOTHING_TO_CLAIM(422, false, "the shop code gives nothing for this spend"),
  IMAGE_UNREADABLE(422, false, "the uploaded image could not be decoded"),
  QR_NOT_FOUND(422, false, "no QR code was found in the image"),
  PUSH_ENDPOINT_REFUSED(422, false,
      "the push endpoint is not https, or is or resolves to a loopback, private or link-local address"),

  // 429, 5xx: the service's moment; the same request may succeed later.
  TOO_MANY_ATTEMPTS(429, true,
      "too many wrong passwords or codes, or code requests, for this username, phone, device or terminal: wait"),
  TOO_MANY_REQUESTS(429, true, "too many requests: wait for Retry-After"),
  INTERNAL_ERROR(500, true, "an unexpected error; it has been logged"),
  LEDGER_BUSY(503, true, "the ledger's queue is full: retry shortly with the same Idempotency-Key"),
  LEDGER_UNAVAILABLE(503, true,
      "the database is unavailable for a moment, or this instance is stopping: retry with the same Idempotency-Key"),
  UNAVAILABLE(503, true, "the service is unavailable for a moment");

  private final int status;
  private final boolean retryable;
  private final String meaning;
  private final String code;

  ProblemCode(int status, boolean retryable, String meaning) {
    this.status = status;
    this.retryable = retryable;
    this.meaning = meaning;
    this.code = name().toLowerCase(Locale.ROOT);
  }

  /** The wire code, as in the {@code code} member of a problem document. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }

  public String meaning() {
    return meaning;
  }

  /** The refusal of this kind, with a detail for people. */
  public ApiException refuse(String detail) {
    return new ApiException(this, detail);
  }

  /** The generic code of a bare HTTP status (one the router answered without us). */
  public static ProblemCode forStatus(int status) {
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 413 -> BODY_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> TOO_MANY_REQUESTS;
      case 503 -> UNAVAILABLE;
      default -> INTERNAL_ERROR;
    };
  }
}
