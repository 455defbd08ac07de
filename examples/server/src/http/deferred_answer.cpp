// SPDX-License-Identifier: Apache-2.0
#include "http/deferred_answer.hpp"

#include <stdexcept>
#include <utility>

namespace energy::server {

deferred_answer::~deferred_answer() {
  // Nobody answered (the work was dropped): the client still gets an answer.
  settle(std::nullopt,
         std::make_exception_ptr(std::logic_error("the request's work ended without an answer")));
}

void deferred_answer::send(response res) noexcept {
  settle(std::move(res), nullptr);
}

void deferred_answer::fail(std::exception_ptr failure) noexcept {
  settle(std::nullopt, std::move(failure));
}

void deferred_answer::settle(std::optional<response> res, std::exception_ptr failure) noexcept {
  sink to;
  {
    const std::lock_guard lock(mutex_);
    if (settled_) return;
    settled_ = true;
    response_ = std::move(res);
    failure_ = std::move(failure);
    if (!sink_ || delivered_) return;  // deliver_to() delivers when it comes
    delivered_ = true;
    to = std::move(sink_);
  }
  try {
    to(response_ ? &*response_ : nullptr, failure_);
  } catch (...) {
    // The sink answers the client itself; nothing more can be done here.
  }
}

void deferred_answer::deliver_to(sink s) noexcept {
  {
    const std::lock_guard lock(mutex_);
    if (!settled_) {
      sink_ = std::move(s);
      return;
    }
    if (delivered_) return;
    delivered_ = true;
  }
  try {
    s(response_ ? &*response_ : nullptr, failure_);
  } catch (...) {
  }
}

}  // namespace energy::server
