// How an order line is read from a row, shared by OrderRepo and ReturnRepo
// (which joins the lines with their orders). Not a public header.
#pragma once

#include "edge/store/order_repo.h"
#include "repo_rows.h"

// The order_lines columns ReadOrderLine reads, each prefixed with `p`
// (a string literal: "" or "l.").
#define ORDER_LINE_COLUMNS(p)                                                                            \
  p "order_id, " p "line_id, " p "idx, " p "sku, " p "gtin, " p "description, " p "qty, " p "fulfil, " p \
    "expected_at, " p "accepted, " p "rejected, " p "reject_reason, " p "picked, " p "short, " p         \
    "short_reason, " p "packed, " p "shipped, " p "restocked, " p "picked_up, " p "refused, " p          \
    "returned, " p "allocated"

namespace edge::store {

// The ORDER_LINE_COLUMNS starting at column `first`.
inline OrderLineRecord ReadOrderLine(const Statement& st, int first) {
  using rows::OptInt;
  using rows::OptText;
  const int c = first;
  OrderLineRecord l;
  l.order_id = st.Text(c + 0);
  l.line_id = st.Text(c + 1);
  l.idx = st.Int64(c + 2);
  l.sku = st.Text(c + 3);
  l.gtin = OptText(st, c + 4);
  l.description = st.Text(c + 5);
  l.qty = st.Int64(c + 6);
  core::ParseFulfil(st.Text(c + 7), &l.fulfil);
  l.expected_at_ms = OptInt(st, c + 8);
  l.accepted = st.Int64(c + 9);
  l.rejected = st.Int64(c + 10);
  l.reject_reason = OptText(st, c + 11);
  l.picked = st.Int64(c + 12);
  l.shorted = st.Int64(c + 13);
  l.short_reason = OptText(st, c + 14);
  l.packed = st.Int64(c + 15);
  l.shipped = st.Int64(c + 16);
  l.restocked = st.Int64(c + 17);
  l.picked_up = st.Int64(c + 18);
  l.refused = st.Int64(c + 19);
  l.returned = st.Int64(c + 20);
  l.allocated = st.Int64(c + 21);
  return l;
}

}  // namespace edge::store
