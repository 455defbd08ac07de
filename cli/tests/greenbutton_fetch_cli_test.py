# SPDX-License-Identifier: Apache-2.0
"""`energy greenbutton fetch` against a local Green Button Connect server over HTTPS
(tests/integration/greenbutton/gbc_server.py serving the shared Inland sample, a certificate made
by openssl for this run), compared with `energy greenbutton import` of the same file.

usage: greenbutton_fetch_cli_test.py PATH/TO/energy DATA_DIR GBC_SERVER.py"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import time

ENERGY, DATA, SERVER = (os.path.abspath(p) for p in sys.argv[1:4])
FEED = os.path.join(DATA, "greenbutton", "Inland_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_8.xml")


def run(*args, expect=0, cwd=None):
    p = subprocess.run([ENERGY, *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    assert p.returncode == expect, (args, p.returncode, p.stdout, p.stderr)
    return p


def table(text):
    return list(csv.DictReader(io.StringIO(text)))


def main():
    with tempfile.TemporaryDirectory() as d:
        cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True)
        port_file = os.path.join(d, "port")
        server = subprocess.Popen([sys.executable, SERVER, "--cert", cert, "--key", key, "--feed", FEED,
                                   "--token", "s3cret-token", "--port-file", port_file,
                                   "--log", os.path.join(d, "requests.log")])
        try:
            deadline = time.monotonic() + 60
            while not os.path.exists(port_file):
                assert server.poll() is None, "the Green Button server exited"
                assert time.monotonic() < deadline, "the Green Button server did not start"
                time.sleep(0.05)
            port = open(port_file).read().strip()
            url = f"https://127.0.0.1:{port}/DataCustodian/espi/1_1/resource/Batch/Subscription/83e269c1/UsagePoint/1"
            token = os.path.join(d, "token")
            with open(token, "w") as f:
                f.write("s3cret-token\n")
            db = "sqlite:" + os.path.join(d, "gb.db")
            t = run("--db", db, "tenant", "add", "--name", "Acme").stdout.strip()
            fetched_b = run("--db", db, "building", "add", "--tenant", t, "--name", "fetched",
                            "--tz", "America/Los_Angeles").stdout.strip()
            file_b = run("--db", db, "building", "add", "--tenant", t, "--name", "from file",
                         "--tz", "America/Los_Angeles").stdout.strip()
            fetch = ["--db", db, "greenbutton", "fetch", "--building", fetched_b, "--url", url,
                     "--token-file", token, "--ca-file", cert, "--from", "2011-01-01", "--to", "2012-01-01",
                     "--format", "csv"]
            first = table(run(*fetch).stdout)
            imported = table(run("--db", db, "greenbutton", "import", FEED, "--building", file_b,
                                 "--format", "csv").stdout)
            assert len(first) == len(imported) == 1, (first, imported)
            assert first[0]["inserted"] == imported[0]["inserted"] == "8760", (first, imported)
            assert first[0]["meter_reading"] == imported[0]["meter_reading"]
            # Fetching again writes nothing new.
            again = table(run(*fetch).stdout)
            assert again[0]["inserted"] == "0" and again[0]["unchanged"] == "8760", again
            # The stored energy is the same, month by month.
            run("--db", db, "aggregate")
            months = [table(run("--db", db, "summaries", "--building", b, "--resolution", "month",
                                "--from", "2011-01-01", "--to", "2012-01-01", "--format", "csv").stdout)
                      for b in (fetched_b, file_b)]
            assert len(months[0]) == 12
            assert [r["consumption_kWh"] for r in months[0]] == [r["consumption_kWh"] for r in months[1]]
            # A narrower range fetches only its intervals (January: 31 days x 24 hours).
            jan_b = run("--db", db, "building", "add", "--tenant", t, "--name", "january",
                        "--tz", "America/Los_Angeles").stdout.strip()
            jan = fetch.copy()
            jan[jan.index(fetched_b)] = jan_b
            jan[jan.index("2012-01-01")] = "2011-02-01"
            assert table(run(*jan).stdout)[0]["inserted"] == str(31 * 24)
            # A refused token is exit 1 with the reason; nothing stored.
            with open(token, "w") as f:
                f.write("wrong\n")
            p = run(*fetch, expect=1)
            assert "access token refused" in p.stderr, p.stderr
            # The token never goes on the command line; plain http is refused before any store.
            run("--db", db, "greenbutton", "fetch", "--building", fetched_b, "--url", url, "--token", "x",
                "--from", "2011-01-01", "--to", "2012-01-01", expect=2)
            other = os.path.join(d, "never.db")
            p = run("--db", "sqlite:" + other, "greenbutton", "fetch", "--building", fetched_b,
                    "--url", url.replace("https", "http"), "--token-file", token,
                    "--from", "2011-01-01", "--to", "2012-01-01", expect=2)
            assert "https" in p.stderr and not os.path.exists(other), p.stderr
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("ok")


if __name__ == "__main__":
    main()
