// Metrics: counters, histograms and scrape-time gauges, rendered in the
// Prometheus text format for GET /metrics. io_context thread only.
//
//   metrics.Describe("storeedge_scans_total", "counter", "Scans by station and result");
//   metrics.Count("storeedge_scans_total", {{"station", "pack-1"}, {"result", "ok"}});
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace edge::app {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Latency buckets in seconds, for request histograms.
  static const std::vector<double>& DefaultBuckets();

  // Declares a metric's type ("counter", "gauge", "histogram") and help line.
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  void Count(const std::string& name, const Labels& labels, double delta = 1);
  void Observe(const std::string& name, const Labels& labels, double value);

  // One labelled sample, found once and then updated without looking it up
  // again (the per-request metrics). Valid for the life of the Metrics.
  class CounterCell {
   public:
    void Add(double delta = 1) { *value_ += delta; }

   private:
    friend class Metrics;
    double* value_ = nullptr;
  };
  class HistogramCell {
   public:
    void Observe(double value);

   private:
    friend class Metrics;
    std::vector<uint64_t>* buckets_ = nullptr;
    double* sum_ = nullptr;
    uint64_t* count_ = nullptr;
  };
  CounterCell Counter(const std::string& name, const Labels& labels);
  HistogramCell Histogram(const std::string& name, const Labels& labels);

  // Samples computed at scrape time: the callback adds gauges with Gauge(),
  // and counters whose running total is kept elsewhere (a thread's, the
  // watchdog's) with Total(). Either way a name renders as one family, under
  // one TYPE line.
  using Collector = std::function<void(Metrics&)>;
  void AddCollector(Collector collector);
  void Gauge(const std::string& name, const Labels& labels, double value);
  void Total(const std::string& name, const Labels& labels, double value);

  std::string Render();

 private:
  struct Family {
    std::string type = "untyped";
    std::map<std::string, double> samples;  // rendered label set -> value
    // histograms: rendered label set -> bucket counts, sum, count
    std::map<std::string, std::vector<uint64_t>> buckets;
    std::map<std::string, double> sums;
    std::map<std::string, uint64_t> counts;
  };
  struct Description {
    std::string type;
    std::string help;
  };
  static std::string RenderLabels(const Labels& labels, const std::string& extra = "");
  void Scraped(const std::string& name, const char* type, const Labels& labels, double value);
  static void Samples(std::string& out, const std::string& name, const Family& f);

  std::map<std::string, Description> descriptions_;
  std::map<std::string, Family> families_;  // counted and observed as things happen
  std::map<std::string, Family> scraped_;   // rebuilt at each scrape
  std::vector<Collector> collectors_;
};

}  // namespace edge::app
