#include "edge/app/metrics.h"

#include <cmath>
#include <cstdio>

namespace edge::app {

const std::vector<double>& Metrics::DefaultBuckets() {
  static const std::vector<double> k = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};
  return k;
}

namespace {

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string Metrics::RenderLabels(const Labels& labels, const std::string& extra) {
  if (labels.empty() && extra.empty()) return "";
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ",";
    out += k + "=\"" + Escape(v) + "\"";
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ",";
    out += extra;
  }
  return out + "}";
}

void Metrics::Describe(const std::string& name, const std::string& type, const std::string& help) {
  descriptions_[name] = {type, help};
}

void Metrics::Count(const std::string& name, const Labels& labels, double delta) {
  Counter(name, labels).Add(delta);
}

void Metrics::Observe(const std::string& name, const Labels& labels, double value) {
  Histogram(name, labels).Observe(value);
}

// std::map keeps its nodes in place, so the cells' pointers stay valid;
// families_ is never erased from (only scraped_ is cleared at each scrape).
Metrics::CounterCell Metrics::Counter(const std::string& name, const Labels& labels) {
  Family& f = families_[name];
  f.type = "counter";
  CounterCell c;
  c.value_ = &f.samples[RenderLabels(labels)];
  return c;
}

Metrics::HistogramCell Metrics::Histogram(const std::string& name, const Labels& labels) {
  Family& f = families_[name];
  f.type = "histogram";
  const std::string key = RenderLabels(labels);
  HistogramCell c;
  c.buckets_ = &f.buckets[key];
  if (c.buckets_->empty()) c.buckets_->assign(DefaultBuckets().size(), 0);
  c.sum_ = &f.sums[key];
  c.count_ = &f.counts[key];
  return c;
}

void Metrics::HistogramCell::Observe(double value) {
  const auto& bounds = DefaultBuckets();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) ++(*buckets_)[i];
  }
  *sum_ += value;
  ++*count_;
}

void Metrics::AddCollector(Collector collector) { collectors_.push_back(std::move(collector)); }

void Metrics::Gauge(const std::string& name, const Labels& labels, double value) {
  Scraped(name, "gauge", labels, value);
}

void Metrics::Total(const std::string& name, const Labels& labels, double value) {
  Scraped(name, "counter", labels, value);
}

void Metrics::Scraped(const std::string& name, const char* type, const Labels& labels, double value) {
  Family& f = scraped_[name];
  f.type = type;
  f.samples[RenderLabels(labels)] = value;
}

std::string Metrics::Render() {
  for (auto& [name, f] : scraped_) f.samples.clear();
  for (auto& c : collectors_) c(*this);
  // Every name once: described, counted or observed, or scraped (a scraped
  // name without samples this time is left out, as it has no value).
  std::map<std::string, std::vector<const Family*>> names;
  for (const auto& [name, d] : descriptions_) {
    if (d.type != "gauge") names[name];
  }
  for (const auto& [name, f] : families_) names[name].push_back(&f);
  for (const auto& [name, f] : scraped_) {
    if (!f.samples.empty()) names[name].push_back(&f);
  }
  std::string out;
  for (const auto& [name, parts] : names) {
    const auto d = descriptions_.find(name);
    std::string type = parts.empty() ? "untyped" : parts.front()->type;
    if (d != descriptions_.end()) {
      if (!d->second.help.empty()) out += "# HELP " + name + " " + d->second.help + "\n";
      if (parts.empty()) type = d->second.type;
    }
    out += "# TYPE " + name + " " + type + "\n";
    for (const Family* f : parts) Samples(out, name, *f);
  }
  return out;
}

void Metrics::Samples(std::string& out, const std::string& name, const Family& f) {
  for (const auto& [labels, v] : f.samples) out += name + labels + " " + Number(v) + "\n";
  const auto& bounds = DefaultBuckets();
  for (const auto& [key, counts] : f.buckets) {
    // Recover the label list inside the braces to add "le".
    const std::string inner = key.empty() ? "" : key.substr(1, key.size() - 2);
    const std::string sep = inner.empty() ? "" : ",";
    for (size_t i = 0; i < bounds.size(); ++i) {
      out += name + "_bucket{" + inner + sep + "le=\"" + Number(bounds[i]) + "\"} " +
             Number(static_cast<double>(counts[i])) + "\n";
    }
    out += name + "_bucket{" + inner + sep + "le=\"+Inf\"} " + Number(static_cast<double>(f.counts.at(key))) +
           "\n";
    out += name + "_sum" + key + " " + Number(f.sums.at(key)) + "\n";
    out += name + "_count" + key + " " + Number(static_cast<double>(f.counts.at(key))) + "\n";
  }
}

}  // namespace edge::app
