#include "cups_client.h"

#include <cerrno>
#include <cstring>

namespace edge::drivers::internal {
namespace {

using core::Result;
using core::Status;

constexpr const char* kJobAttributes[] = {"job-id",
                                          "job-name",
                                          "job-state",
                                          "job-state-reasons",
                                          "number-of-documents",
                                          "job-printer-state-message"};
constexpr const char* kPrinterAttributes[] = {"printer-state", "printer-state-reasons",
                                              "printer-state-message", "printer-is-accepting-jobs"};

struct IppFree {
  void operator()(ipp_t* p) const { ippDelete(p); }
};
using Ipp = std::unique_ptr<ipp_t, IppFree>;

// libcups gives up on a request when its timeout callback returns 0.
int GiveUp(http_t*, void*) { return 0; }

std::string Uri(const std::string& resource) { return "ipp://localhost" + resource; }

void AddRequester(ipp_t* request) {
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nullptr, cupsUser());
}

template <std::size_t N>
void AddRequested(ipp_t* request, const char* const (&names)[N]) {
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", static_cast<int>(N),
                nullptr, names);
}

std::vector<std::string> Strings(ipp_attribute_t* attr) {
  std::vector<std::string> out;
  for (int i = 0; attr && i < ippGetCount(attr); ++i) {
    if (const char* s = ippGetString(attr, i, nullptr)) out.emplace_back(s);
  }
  return out;
}

// Reads one job's attributes, from `attr` up to the end of its group.
// Returns the first attribute after the group (or nullptr).
ipp_attribute_t* ReadJob(ipp_t* response, ipp_attribute_t* attr, CupsJob* job) {
  for (; attr && ippGetGroupTag(attr) == IPP_TAG_JOB; attr = ippNextAttribute(response)) {
    const char* name = ippGetName(attr);
    if (!name) continue;
    const std::string n = name;
    if (n == "job-id") {
      job->id = ippGetInteger(attr, 0);
    } else if (n == "job-name") {
      if (const char* s = ippGetString(attr, 0, nullptr)) job->name = s;
    } else if (n == "job-state") {
      job->state = static_cast<CupsJobState>(ippGetInteger(attr, 0));
    } else if (n == "job-state-reasons") {
      job->reasons = Strings(attr);
    } else if (n == "job-printer-state-message") {
      if (const char* s = ippGetString(attr, 0, nullptr)) job->printer_message = s;
    } else if (n == "number-of-documents") {
      job->documents = ippGetInteger(attr, 0);
    }
  }
  return attr;
}

}  // namespace

CupsClient::CupsClient(std::string server, std::chrono::milliseconds timeout)
    : server_(std::move(server)), timeout_(timeout) {}

CupsClient::~CupsClient() = default;

std::string CupsClient::ServerName() {
  if (host_.empty()) {
    if (server_.empty()) {
      // libcups' default for this thread: $CUPS_SERVER, client.conf, or the
      // local socket; the port comes with it.
      host_ = cupsServer();
      port_ = ippPort();
    } else if (server_[0] == '/') {
      host_ = server_;
      port_ = 0;
    } else {
      host_ = server_;
      port_ = 631;
      const std::size_t colon = server_.rfind(':');
      const bool bracketed = server_[0] == '[';
      if (colon != std::string::npos && (!bracketed || server_[colon - 1] == ']')) {
        const std::string port = server_.substr(colon + 1);
        if (!port.empty() && port.find_first_not_of("0123456789") == std::string::npos && port.size() <= 5) {
          host_ = server_.substr(0, colon);
          port_ = std::stoi(port);
        }
      }
      if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']')
        host_ = host_.substr(1, host_.size() - 2);
    }
  }
  return host_[0] == '/' ? host_ : host_ + ":" + std::to_string(port_);
}

Result<http_t*> CupsClient::Connect() {
  if (http_) return http_.get();
  const std::string where = ServerName();
  http_t* h = httpConnect2(host_.c_str(), port_, nullptr, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1,
                           static_cast<int>(timeout_.count()), nullptr);
  if (!h) {
    const int err = errno;
    return Status::Unavailable("CUPS at " + where + " unreachable: " +
                               (err ? std::strerror(err) : std::string(cupsLastErrorString())));
  }
  httpSetTimeout(h, static_cast<double>(timeout_.count()) / 1000.0, GiveUp, nullptr);
  http_.reset(h);
  return h;
}

Status CupsClient::LastError(const std::string& what) {
  const ipp_status_t code = cupsLastError();
  const char* text = cupsLastErrorString();
  std::string message = what + ": " + (text && *text ? text : ippErrorString(code));
  const bool transport = http_ && httpError(http_.get()) != 0;
  switch (code) {
    case IPP_STATUS_ERROR_NOT_FOUND:
      return Status::NotFound(message);
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
    case IPP_STATUS_ERROR_INTERNAL:
    case IPP_STATUS_ERROR_TIMEOUT:
    case IPP_STATUS_ERROR_BUSY:
    case IPP_STATUS_ERROR_TEMPORARY:
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
    case IPP_STATUS_ERROR_PRINTER_IS_DEACTIVATED:
      // The connection may be dead (cupsd restarted); start afresh next time.
      http_.reset();
      return Status::Unavailable(message);
    case IPP_STATUS_ERROR_FORBIDDEN:
    case IPP_STATUS_ERROR_NOT_AUTHORIZED:
    case IPP_STATUS_ERROR_NOT_AUTHENTICATED:
    case IPP_STATUS_ERROR_CUPS_AUTHENTICATION_CANCELED:
      return Status::PermissionDenied(message);
    default:
      if (transport) {
        http_.reset();
        return Status::Unavailable(message);
      }
      return Status::FailedPrecondition(message);
  }
}

Result<ipp_t*> CupsClient::Do(ipp_t* request, const char* resource, const std::string& what) {
  auto h = Connect();
  if (!h.ok()) {
    ippDelete(request);
    return h.status().WithContext(what);
  }
  ipp_t* response = cupsDoRequest(*h, request, resource);  // frees `request`
  if (!response || cupsLastError() > IPP_STATUS_OK_EVENTS_COMPLETE) {
    ippDelete(response);
    return LastError(what);
  }
  return response;
}

Result<int> CupsClient::Submit(const std::string& queue, const std::string& job_name,
                               const std::string& mime_type, const std::string& data, bool* created) {
  *created = false;
  const std::string what = "print to CUPS queue '" + queue + "'";
  auto h = Connect();
  if (!h.ok()) return h.status().WithContext(what);
  // From here a job may exist in CUPS whatever this call returns.
  *created = true;
  // Create-Job by hand rather than cupsCreateJob: that one first resolves
  // the queue with cupsGetNamedDest/cupsCopyDestInfo, which for a ppd-less
  // raw queue on a server named by address posts to the device URI and
  // fails with "The printer or class does not exist".
  const std::string resource = "/printers/" + queue;
  ipp_t* request = ippNewRequest(IPP_OP_CREATE_JOB);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, Uri(resource).c_str());
  AddRequester(request);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", nullptr, job_name.c_str());
  auto created_job = Do(request, resource.c_str(), what + ": create job");
  if (!created_job.ok()) return created_job.status();
  Ipp response(*created_job);
  ipp_attribute_t* id_attr = ippFindAttribute(response.get(), "job-id", IPP_TAG_INTEGER);
  const int job_id = id_attr ? ippGetInteger(id_attr, 0) : 0;
  if (job_id <= 0) return Status::Internal(what + ": create job: CUPS answered without a job-id");
  Status failed;
  if (cupsStartDocument(*h, queue.c_str(), job_id, job_name.c_str(), mime_type.c_str(), 1) !=
      HTTP_STATUS_CONTINUE) {
    failed = LastError(what + ": start document of job " + std::to_string(job_id));
  } else {
    constexpr std::size_t kChunk = 64 * 1024;
    for (std::size_t at = 0; at < data.size() && failed.ok(); at += kChunk) {
      const std::size_t n = std::min(kChunk, data.size() - at);
      if (cupsWriteRequestData(*h, data.data() + at, n) != HTTP_STATUS_CONTINUE) {
        failed = LastError(what + ": send document of job " + std::to_string(job_id));
      }
    }
    if (failed.ok()) {
      if (cupsFinishDocument(*h, queue.c_str()) == IPP_STATUS_OK) return job_id;
      // The document may have arrived whole; cancelling now could cut a
      // label mid-print. The name lookup before the next attempt decides.
      return LastError(what + ": finish document of job " + std::to_string(job_id));
    }
  }
  // The job has no (complete) document: cancel it so it cannot linger.
  http_.reset();
  (void)CancelJob(job_id);
  return failed;
}

Result<std::vector<CupsJob>> CupsClient::AllJobs() {
  ipp_t* request = ippNewRequest(IPP_OP_GET_JOBS);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, Uri("/").c_str());
  AddRequester(request);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", nullptr, "all");
  AddRequested(request, kJobAttributes);
  auto response = Do(request, "/", "list CUPS jobs");
  if (!response.ok()) return response.status();
  Ipp owned(*response);
  std::vector<CupsJob> jobs;
  ipp_attribute_t* attr = ippFirstAttribute(owned.get());
  while (attr) {
    while (attr && ippGetGroupTag(attr) != IPP_TAG_JOB) attr = ippNextAttribute(owned.get());
    if (!attr) break;
    CupsJob job;
    attr = ReadJob(owned.get(), attr, &job);
    if (job.id > 0) jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<CupsJob> CupsClient::GetJob(int job_id) {
  ipp_t* request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
  const std::string uri = Uri("/jobs/" + std::to_string(job_id));
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri.c_str());
  AddRequester(request);
  AddRequested(request, kJobAttributes);
  auto response = Do(request, "/", "get CUPS job " + std::to_string(job_id));
  if (!response.ok()) return response.status();
  Ipp owned(*response);
  CupsJob job;
  ipp_attribute_t* attr = ippFirstAttribute(owned.get());
  while (attr && ippGetGroupTag(attr) != IPP_TAG_JOB) attr = ippNextAttribute(owned.get());
  ReadJob(owned.get(), attr, &job);
  if (job.id == 0) job.id = job_id;
  return job;
}

Result<CupsPrinter> CupsClient::GetPrinter(const std::string& queue) {
  ipp_t* request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
  const std::string resource = "/printers/" + queue;
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nullptr, Uri(resource).c_str());
  AddRequester(request);
  AddRequested(request, kPrinterAttributes);
  auto response = Do(request, resource.c_str(), "get CUPS queue '" + queue + "'");
  if (!response.ok()) return response.status();
  Ipp owned(*response);
  CupsPrinter p;
  if (auto* a = ippFindAttribute(owned.get(), "printer-state", IPP_TAG_ENUM)) p.state = ippGetInteger(a, 0);
  for (auto& r : Strings(ippFindAttribute(owned.get(), "printer-state-reasons", IPP_TAG_KEYWORD))) {
    if (r != "none") p.reasons.push_back(std::move(r));
  }
  if (auto* a = ippFindAttribute(owned.get(), "printer-state-message", IPP_TAG_TEXT)) {
    if (const char* s = ippGetString(a, 0, nullptr)) p.message = s;
  }
  if (auto* a = ippFindAttribute(owned.get(), "printer-is-accepting-jobs", IPP_TAG_BOOLEAN)) {
    p.accepting = ippGetBoolean(a, 0) != 0;
  }
  return p;
}

Status CupsClient::CancelJob(int job_id) {
  ipp_t* request = ippNewRequest(IPP_OP_CANCEL_JOB);
  const std::string uri = Uri("/jobs/" + std::to_string(job_id));
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nullptr, uri.c_str());
  AddRequester(request);
  auto response = Do(request, "/jobs/", "cancel CUPS job " + std::to_string(job_id));
  if (!response.ok()) return response.status();
  ippDelete(*response);
  return Status::Ok();
}

}  // namespace edge::drivers::internal
