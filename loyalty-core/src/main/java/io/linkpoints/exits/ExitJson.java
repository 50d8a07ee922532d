package io.linkpoints.exits;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

/** JSON of shop exits, at the edge: the start's body read into a record, exits rendered. */
final class ExitJson {
  private ExitJson() {
  }

  static ShopExits.Start start(JsonObject body) {
    try {
      return new ShopExits.Start(LocalDate.parse(body.getString("endDate")), body.getString("mode"));
    } catch (DateTimeParseException e) {
      throw ProblemCode.VALIDATION_FAILED.refuse("endDate must be a date (yyyy-mm-dd)");
    }
  }

  static JsonObject exit(ShopExit x) {
    return new JsonObject().put("shopId", x.shopId()).put("shopName", x.shopName()).put("status", x.status())
        .put("mode", x.mode()).put("endDate", x.endDate().toString()).put("startsAt", x.startsAt().toString())
        .put("endsAt", x.endsAt().toString()).put("startedBy", x.startedBy())
        .put("completedAt", x.completedAt() == null ? null : x.completedAt().toString())
        .put("chargedPoints", x.chargedPoints()).put("chargedFen", x.chargedFen())
        .put("outstandingPoints", x.outstandingPoints()).put("outstandingFen", x.outstandingFen())
        .put("cancelledAt", x.cancelledAt() == null ? null : x.cancelledAt().toString());
  }

  static JsonObject exits(List<ShopExit> list) {
    JsonArray items = new JsonArray();
    list.forEach(x -> items.add(exit(x)));
    return new JsonObject().put("items", items);
  }
}
