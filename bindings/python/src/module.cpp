// SPDX-License-Identifier: Apache-2.0
// _energy: the compiled half of the `energy` Python package. Exceptions map here, in one place:
// caller mistakes (std::invalid_argument) -> ValueError; energy::storage_error ->
// energy.StorageError with .retryable; energy::parse_error -> energy.ParseError (a ValueError);
// other energy::error -> energy.EnergyError.
#include "common.hpp"

#include <energy/error.hpp>
#include <energy/version.hpp>

namespace energy::py {
void bind_eemeter_daily(pybind11::module_& m);   // bind_eemeter_daily.cpp
void bind_eemeter_hourly(pybind11::module_& m);  // bind_eemeter_hourly.cpp
}  // namespace energy::py

namespace {
PyObject* energy_error_type = nullptr;
PyObject* storage_error_type = nullptr;
PyObject* parse_error_type = nullptr;
}  // namespace

PYBIND11_MODULE(_energy, m) {
  namespace pyb = pybind11;
  m.doc() = "energy: exact, time-zone-correct energy data for commercial buildings (compiled core)";
  // The library's own version (project(VERSION) in CMakeLists.txt), which setup.py reads too.
  m.attr("__version__") = energy::library_version();

  energy_error_type = PyErr_NewException("energy.EnergyError", PyExc_RuntimeError, nullptr);
  storage_error_type = PyErr_NewException("energy.StorageError", energy_error_type, nullptr);
  pyb::object parse_bases =
      pyb::make_tuple(pyb::handle(energy_error_type), pyb::handle(PyExc_ValueError));
  parse_error_type = PyErr_NewException("energy.ParseError", parse_bases.ptr(), nullptr);
  m.add_object("EnergyError", pyb::handle(energy_error_type));
  m.add_object("StorageError", pyb::handle(storage_error_type));
  m.add_object("ParseError", pyb::handle(parse_error_type));

  pyb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const energy::storage_error& e) {
      pyb::object exc = pyb::reinterpret_steal<pyb::object>(
          PyObject_CallFunction(storage_error_type, "s", e.what()));
      exc.attr("retryable") = pyb::bool_(e.retryable());
      PyErr_SetObject(storage_error_type, exc.ptr());
    } catch (const energy::parse_error& e) {
      PyErr_SetString(parse_error_type, e.what());
    } catch (const energy::error& e) {
      PyErr_SetString(energy_error_type, e.what());
    }
  });

  energy::py::bind_model(m);
  energy::py::bind_storage(m);
  energy::py::bind_ingest(m);
  energy::py::bind_aggregate(m);
  energy::py::bind_summarize(m);
  energy::py::bind_baseline(m);
  energy::py::bind_eemeter_daily(m);
  energy::py::bind_eemeter_hourly(m);
  energy::py::bind_anomaly(m);
  energy::py::bind_billing(m);
  energy::py::bind_recommend(m);
#ifdef ENERGY_PY_HAVE_GREENBUTTON
  energy::py::bind_greenbutton(m);
#endif
}
