#include "edge/app/print_job_store.h"

#include "edge/log/log.h"

namespace edge::app {

namespace {

using core::Result;
using core::Status;
using drivers::PrintJob;
using drivers::PrintJobState;

constexpr const char* kColumns =
    "id, station, queue, format, kind, ref, data, state, cups_job_id, attempts, reason, reprint_of, created, "
    "updated";

Result<PrintJob> ReadJob(const store::Statement& st) {
  PrintJob j;
  j.id = st.Text(0);
  j.station = st.Text(1);
  j.queue = st.Text(2);
  auto format = drivers::ParseDocumentFormat(st.Text(3));
  if (!format.ok()) return Status::Corruption("print job " + j.id + ": " + format.status().message());
  j.format = *format;
  j.kind = st.Text(4);
  j.ref = st.Text(5);
  j.data = st.Blob(6);
  auto state = drivers::ParsePrintJobState(st.Text(7));
  if (!state.ok()) return Status::Corruption("print job " + j.id + ": " + state.status().message());
  j.state = *state;
  j.cups_job_id = static_cast<int>(st.Int64(8));
  j.attempts = static_cast<int>(st.Int64(9));
  j.reason = st.Text(10);
  j.reprint_of = st.Text(11);
  j.created_ms = st.Int64(12);
  j.updated_ms = st.Int64(13);
  return j;
}

Result<std::vector<PrintJob>> ReadAll(store::Statement& st) {
  std::vector<PrintJob> out;
  for (;;) {
    auto row = st.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto job = ReadJob(st);
    if (!job.ok()) return job.status();
    out.push_back(std::move(job).value());
  }
  return out;
}

Status OneRow(store::Database& db, const std::string& id) {
  if (db.Changes() == 0) return Status::NotFound("no print job " + id);
  return Status::Ok();
}

}  // namespace

Status SqlitePrintJobStore::Create(const PrintJob& j) {
  auto st = store_.db().Cached(
      "INSERT INTO print_jobs(id, station, queue, format, kind, ref, data, state, cups_job_id, attempts, "
      "reason, "
      "reprint_of, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, j.id).Bind(2, j.station).Bind(3, j.queue).Bind(4, std::string(DocumentFormatName(j.format)));
  (*st)->Bind(5, j.kind).Bind(6, j.ref).BindBlob(7, j.data).Bind(8, std::string(PrintJobStateName(j.state)));
  (*st)->Bind(9, j.cups_job_id).Bind(10, j.attempts).Bind(11, j.reason).Bind(12, j.reprint_of);
  (*st)->Bind(13, j.created_ms).Bind(14, j.updated_ms);
  Status s = (*st)->Run();
  if (s.code() == core::StatusCode::kAlreadyExists)
    return Status::AlreadyExists("print job " + j.id + " exists");
  return s;
}

Status SqlitePrintJobStore::MarkAttempt(const std::string& id, int attempts, int64_t now_ms) {
  auto st = store_.db().Cached("UPDATE print_jobs SET attempts = ?2, updated = ?3 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, attempts).Bind(3, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return OneRow(store_.db(), id);
}

Status SqlitePrintJobStore::MarkSubmitted(const std::string& id, const std::string& queue, int cups_job_id,
                                          int64_t now_ms) {
  auto st = store_.db().Cached(
      "UPDATE print_jobs SET state = 'submitted', queue = ?2, cups_job_id = ?3, reason = '', updated = ?4 "
      "WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, queue).Bind(3, cups_job_id).Bind(4, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return OneRow(store_.db(), id);
}

Status SqlitePrintJobStore::MarkState(const std::string& id, PrintJobState state, const std::string& reason,
                                      int64_t now_ms) {
  auto st = store_.db().Cached("UPDATE print_jobs SET state = ?2, reason = ?3, updated = ?4 WHERE id = ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id).Bind(2, std::string(PrintJobStateName(state))).Bind(3, reason).Bind(4, now_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return OneRow(store_.db(), id);
}

Result<PrintJob> SqlitePrintJobStore::Get(const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kColumns + " FROM print_jobs WHERE id = ?1";
  auto st = store_.db().Cached(sql.c_str());
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no print job " + id);
  return ReadJob(**st);
}

Result<std::vector<PrintJob>> SqlitePrintJobStore::ListUnfinished() {
  static const std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM print_jobs WHERE state IN ('queued', 'submitted') ORDER BY created, id";
  auto st = store_.db().Cached(sql.c_str());
  if (!st.ok()) return st.status();
  return ReadAll(**st);
}

Result<int64_t> SqlitePrintJobStore::DeleteFinishedBefore(int64_t before_ms) {
  auto st = store_.db().Cached(
      "DELETE FROM print_jobs WHERE state NOT IN ('queued', 'submitted') AND updated < ?1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, before_ms);
  EDGE_RETURN_IF_ERROR((*st)->Run());
  return static_cast<int64_t>(store_.db().Changes());
}

Result<std::vector<PrintJob>> SqlitePrintJobStore::RecentAt(const std::string& station, int limit) {
  static const std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM print_jobs WHERE station = ?1 ORDER BY created DESC, id DESC LIMIT ?2";
  auto st = store_.db().Cached(sql.c_str());
  if (!st.ok()) return st.status();
  (*st)->Bind(1, station).Bind(2, limit);
  return ReadAll(**st);
}

drivers::PrintServiceOptions PrintServiceOptionsFor(const Config& config) {
  drivers::PrintServiceOptions o;
  for (const auto& s : config.stations) {
    if (s.printer_queue.empty()) continue;
    o.stations.push_back(
        {s.name, s.printer_queue,
         s.printer_format == "zpl" ? drivers::DocumentFormat::kZpl : drivers::DocumentFormat::kPdf});
  }
  return o;
}

core::Status PrintServiceLabelPrinter::QueuePrint(const std::string& station, const std::string& kind,
                                                  const std::string& package_id, const std::string& format,
                                                  const std::string& bytes) {
  auto f = drivers::ParseDocumentFormat(format);
  if (!f.ok()) return f.status();
  drivers::PrintRequest request;
  request.station = station;
  request.format = *f;
  request.kind = kind;
  request.ref = package_id;
  request.data = bytes;
  auto job = printing_.Print(std::move(request));
  if (!job.ok()) return job.status();
  log::Info("print.queued")
      .Kv("station", station)
      .Kv("kind", kind)
      .Kv("package_id", package_id)
      .Kv("job", *job);
  return core::Status::Ok();
}

core::Status PrintServiceLabelPrinter::QueueBagLabel(const std::string& station, const std::string& bag_id,
                                                     const core::BagLabel& label) {
  auto job = printing_.PrintBagLabel(station, label);
  if (!job.ok()) return job.status();
  log::Info("print.queued")
      .Kv("station", station)
      .Kv("kind", "bag_label")
      .Kv("bag_id", bag_id)
      .Kv("job", *job);
  return core::Status::Ok();
}

}  // namespace edge::app
