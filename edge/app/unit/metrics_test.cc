#include "edge/app/metrics.h"

#include <gtest/gtest.h>

namespace edge::app {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.Describe("storeedge_scans_total", "counter", "Scans by station and result");
  m.Count("storeedge_scans_total", {{"station", "pack-1"}, {"result", "ok"}});
  m.Count("storeedge_scans_total", {{"station", "pack-1"}, {"result", "ok"}});
  m.Count("storeedge_scans_total", {{"station", "pack-\"2\""}, {"result", "refused"}});
  m.Observe("storeedge_http_request_seconds", {{"route", "/x"}}, 0.003);
  m.Observe("storeedge_http_request_seconds", {{"route", "/x"}}, 7);
  int scrapes = 0;
  m.AddCollector([&scrapes](Metrics& g) { g.Gauge("storeedge_outbox_depth", {}, ++scrapes * 10); });
  const std::string text = m.Render();
  EXPECT_NE(text.find("# HELP storeedge_scans_total Scans by station and result\n"
                      "# TYPE storeedge_scans_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("storeedge_scans_total{station=\"pack-1\",result=\"ok\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("storeedge_scans_total{station=\"pack-\\\"2\\\"\",result=\"refused\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"0.0025\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_sum{route=\"/x\"} 7.003\n"), std::string::npos) << text;
  EXPECT_NE(text.find("storeedge_http_request_seconds_count{route=\"/x\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE storeedge_outbox_depth gauge\nstoreedge_outbox_depth 10\n"), std::string::npos);
  // Gauges are recomputed at every scrape.
  EXPECT_NE(m.Render().find("storeedge_outbox_depth 20\n"), std::string::npos);
}

// How many times `line` starts a line of `text`.
int Lines(const std::string& text, const std::string& line) {
  int n = 0;
  for (size_t at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) {
    if (at == 0 || text[at - 1] == '\n') ++n;
  }
  return n;
}

// A counter whose total is kept elsewhere and read at scrape time is still
// one counter family: a second TYPE line for a name makes Prometheus's
// parser refuse the whole page.
TEST(Metrics, EachNameRendersAsOneFamilyOfItsType) {
  Metrics m;
  m.Describe("storeedge_database_checkpoints_total", "counter", "Checkpoints by who ran them");
  m.Describe("storeedge_outbox_depth", "gauge", "Events not yet published");
  m.Describe("storeedge_scans_total", "counter", "Scans");
  m.Describe("storeedge_watchdog_pings_total", "counter", "Pings");
  int thread = 0;
  m.AddCollector([&thread](Metrics& g) {
    g.Total("storeedge_database_checkpoints_total", {{"by", "thread"}}, ++thread);
    g.Total("storeedge_database_checkpoints_total", {{"by", "writer"}}, 0);
    g.Gauge("storeedge_outbox_depth", {}, 3);
  });
  m.Count("storeedge_scans_total", {{"result", "ok"}});
  std::string text = m.Render();
  EXPECT_EQ(Lines(text, "# TYPE storeedge_database_checkpoints_total "), 1) << text;
  EXPECT_NE(text.find("# HELP storeedge_database_checkpoints_total Checkpoints by who ran them\n"
                      "# TYPE storeedge_database_checkpoints_total counter\n"
                      "storeedge_database_checkpoints_total{by=\"thread\"} 1\n"
                      "storeedge_database_checkpoints_total{by=\"writer\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(Lines(text, "# TYPE storeedge_outbox_depth gauge\n"), 1);
  EXPECT_EQ(Lines(text, "# TYPE storeedge_scans_total counter\n"), 1);
  // Described, with no samples yet: its family is there, empty.
  EXPECT_NE(text.find("# TYPE storeedge_watchdog_pings_total counter\n"), std::string::npos);
  EXPECT_EQ(Lines(text, "# TYPE "), 4) << text;
  EXPECT_EQ(Lines(text, "# HELP "), 4) << text;
  // The next scrape reads the total again.
  text = m.Render();
  EXPECT_NE(text.find("storeedge_database_checkpoints_total{by=\"thread\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(Lines(text, "# TYPE storeedge_database_checkpoints_total "), 1);
}

TEST(Metrics, CellsAddToTheSamplesTheyWereFoundFor) {
  Metrics m;
  m.Count("storeedge_http_requests_total", {{"route", "/x"}, {"code", "200"}});
  m.Observe("storeedge_http_request_seconds", {{"route", "/x"}}, 0.003);
  auto total = m.Counter("storeedge_http_requests_total", {{"route", "/x"}, {"code", "200"}});
  auto seconds = m.Histogram("storeedge_http_request_seconds", {{"route", "/x"}});
  auto other = m.Counter("storeedge_http_requests_total", {{"route", "/y"}, {"code", "404"}});
  m.AddCollector([](Metrics& g) { g.Gauge("storeedge_outbox_depth", {}, 1); });
  (void)m.Render();  // a scrape clears and rebuilds the gauges only
  total.Add();
  total.Add(2);
  seconds.Observe(0.0004);
  seconds.Observe(30);
  other.Add();
  m.Count("storeedge_http_requests_total", {{"route", "/x"}, {"code", "200"}});
  const std::string text = m.Render();
  EXPECT_NE(text.find("storeedge_http_requests_total{route=\"/x\",code=\"200\"} 5\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("storeedge_http_requests_total{route=\"/y\",code=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("storeedge_http_request_seconds_sum{route=\"/x\"} 30.0034\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("storeedge_http_request_seconds_count{route=\"/x\"} 3\n"), std::string::npos);
}

}  // namespace
}  // namespace edge::app
