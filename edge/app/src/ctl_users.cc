// storeedgectl user … and kiosk …: managing associates, supervisors and kiosk
// devices. These work on the store's database file directly (the daemon may
// be running or not; SQLite's locking keeps the two apart), so the first
// supervisor can be created before anyone can sign in. Whoever may run this
// as the service user is the store's administrator.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "edge/app/auth_service.h"
#include "edge/app/cli.h"
#include "edge/app/config.h"
#include "edge/app/ctl_store.h"
#include "edge/app/system_clock.h"
#include "edge/store/store.h"

namespace edge::app {

namespace {

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "storeedgectl: %s\n", message.c_str());
  return code;
}

// Reads a PIN: one line from stdin with --pin-stdin, else twice from the
// terminal without echo.
bool ReadPin(bool from_stdin, std::string* pin, std::string* error) {
  if (from_stdin) {
    if (!std::getline(std::cin, *pin)) {
      *error = "--pin-stdin: no PIN on standard input";
      return false;
    }
    return true;
  }
  if (!::isatty(STDIN_FILENO)) {
    *error = "no terminal to ask for the PIN; pass it on standard input with --pin-stdin";
    return false;
  }
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string again;
  std::fprintf(stderr, "PIN: ");
  std::getline(std::cin, *pin);
  std::fprintf(stderr, "\nPIN again: ");
  std::getline(std::cin, again);
  std::fprintf(stderr, "\n");
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (*pin != again) {
    *error = "the two PINs differ";
    return false;
  }
  return true;
}

core::Actor CtlActor() {
  const char* user = std::getenv("SUDO_USER");
  if (!user || !*user) user = std::getenv("USER");
  return {std::string("storeedgectl:") + (user && *user ? user : "unknown"), core::Role::kSupervisor};
}

}  // namespace

int CtlUserCommand(const Config& config, const std::vector<std::string>& args) {
  static const char* kHelp =
      "Usage: storeedgectl [--config FILE] user add ID --name NAME [--role associate|supervisor] "
      "[--pin-stdin]\n"
      "       storeedgectl [--config FILE] user disable|enable|unlock ID\n"
      "       storeedgectl [--config FILE] user reset-pin ID [--pin-stdin]\n"
      "       storeedgectl [--config FILE] user list\n"
      "       storeedgectl [--config FILE] kiosk add NAME\n";
  if (args.size() < 2 || args[1] == "--help") {
    std::fputs(kHelp, args.size() < 2 ? stderr : stdout);
    return args.size() < 2 ? 2 : 0;
  }
  const std::string& what = args[0];
  const std::string& verb = args[1];
  std::string id, name, role_text = "associate";
  bool pin_stdin = false;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--name" && i + 1 < args.size()) {
      name = args[++i];
    } else if (args[i] == "--role" && i + 1 < args.size()) {
      role_text = args[++i];
    } else if (args[i] == "--pin-stdin") {
      pin_stdin = true;
    } else if (id.empty() && args[i].rfind("--", 0) != 0) {
      id = args[i];
    } else {
      return Fail(2, what + " " + verb + ": unexpected argument '" + args[i] + "'");
    }
  }
  const bool needs_id = !(what == "user" && verb == "list");
  if (needs_id && id.empty())
    return Fail(2, what + " " + verb + ": missing " + (what == "kiosk" ? "NAME" : "ID"));

  SystemClock clock;
  auto st = OpenStoreForCtl(config, clock);
  if (!st.ok()) return Fail(3, st.status().message());
  AuthService auth(**st, clock);
  const core::Actor by = CtlActor();

  if (what == "kiosk") {
    if (verb != "add") return Fail(2, "kiosk: unknown command '" + verb + "' (kiosk add NAME)");
    auto token = auth.AddKiosk(id, by);
    if (!token.ok()) return Fail(1, token.status().message());
    std::printf("kiosk %s added; its device token (shown only now):\n%s\n", id.c_str(), token->c_str());
    return 0;
  }
  if (verb == "list") {
    auto users = auth.ListUsers();
    if (!users.ok()) return Fail(1, users.status().message());
    std::printf("%-20s %-11s %-9s %s\n", "ID", "ROLE", "STATE", "NAME");
    for (const auto& u : *users) {
      std::printf("%-20s %-11s %-9s %s\n", u.id.c_str(), core::RoleName(u.role),
                  u.disabled ? "disabled" : (u.locked ? "locked" : "active"), u.name.c_str());
    }
    return 0;
  }
  core::Status s;
  std::string pin, error;
  if (verb == "add") {
    core::Role role;
    if (!core::ParseUserRole(role_text, &role)) {
      return Fail(2, "user add: --role must be associate or supervisor, got '" + role_text + "'");
    }
    if (name.empty()) return Fail(2, "user add: --name NAME is required");
    if (!ReadPin(pin_stdin, &pin, &error)) return Fail(2, "user add: " + error);
    s = auth.AddUser(id, name, role, pin, by);
  } else if (verb == "reset-pin") {
    if (!ReadPin(pin_stdin, &pin, &error)) return Fail(2, "user reset-pin: " + error);
    s = auth.ResetPin(id, pin, by);
  } else if (verb == "disable" || verb == "enable") {
    s = auth.SetDisabled(id, verb == "disable", by);
  } else if (verb == "unlock") {
    s = auth.Unlock(id, by);
  } else {
    return Fail(2, "user: unknown command '" + verb + "' (add, disable, enable, unlock, reset-pin, list)");
  }
  if (!s.ok()) return Fail(1, "user " + verb + " " + id + ": " + s.message());
  std::printf("user %s: %s done\n", id.c_str(), verb.c_str());
  return 0;
}

}  // namespace edge::app
