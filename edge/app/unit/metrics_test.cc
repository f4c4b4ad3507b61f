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
