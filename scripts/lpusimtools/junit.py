"""JUnit XML for CI systems (Jenkins' JUnit plugin, GitLab's test reports, most others): the
common subset of the Ant/Jenkins schema that every reader accepts.

    <testsuites name tests failures errors skipped time>
      <testsuite name tests failures errors skipped time timestamp hostname>
        <properties><property name value/>...</properties>
        <testcase classname name time>
          <failure message type>text</failure> | <skipped message/>   (at most one)
          <system-out>text</system-out>                               (optional)
        </testcase>
      </testsuite>
    </testsuites>

Counts are computed from the cases, never passed in; text is escaped by ElementTree and
characters XML 1.0 forbids (control characters a program's output may carry) are replaced.
"""
import re
import socket
import xml.etree.ElementTree as ET

from lpusimtools.common import atomic_write

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text):
    return _XML_BAD.sub("?", str(text))


class Case:
    """One test case: status "pass", "fail" or "skip"."""

    def __init__(self, classname, name, time_s, status="pass", message="", text="", kind="failure", output=""):
        if status not in ("pass", "fail", "skip"):
            raise ValueError(f"status {status!r}")
        self.classname, self.name, self.time_s = classname, name, float(time_s)
        self.status, self.message, self.text, self.kind, self.output = status, message, text, kind, output


class Suite:
    def __init__(self, name, timestamp, properties=None):
        self.name, self.timestamp = name, timestamp
        self.properties = dict(properties or {})
        self.cases = []

    def counts(self):
        fail = sum(c.status == "fail" for c in self.cases)
        skip = sum(c.status == "skip" for c in self.cases)
        return len(self.cases), fail, skip, sum(c.time_s for c in self.cases)


def to_xml(name, suites):
    """The document as a string (UTF-8 declaration included)."""
    root = ET.Element("testsuites", name=_clean(name))
    total = [0, 0, 0, 0.0]
    host = socket.gethostname()
    for s in suites:
        tests, fail, skip, time_s = s.counts()
        for i, v in enumerate((tests, fail, skip, time_s)):
            total[i] += v
        el = ET.SubElement(root, "testsuite", name=_clean(s.name), tests=str(tests), failures=str(fail), errors="0",
                           skipped=str(skip), time=f"{time_s:.3f}", timestamp=s.timestamp, hostname=host)
        if s.properties:
            props = ET.SubElement(el, "properties")
            for k, v in s.properties.items():
                ET.SubElement(props, "property", name=_clean(k), value=_clean(v))
        for c in s.cases:
            tc = ET.SubElement(el, "testcase", classname=_clean(c.classname), name=_clean(c.name),
                               time=f"{c.time_s:.3f}")
            if c.status == "fail":
                f = ET.SubElement(tc, "failure", message=_clean(c.message), type=_clean(c.kind))
                f.text = _clean(c.text)
            elif c.status == "skip":
                ET.SubElement(tc, "skipped", message=_clean(c.message))
            if c.output:
                ET.SubElement(tc, "system-out").text = _clean(c.output)
    root.set("tests", str(total[0]))
    root.set("failures", str(total[1]))
    root.set("errors", "0")
    root.set("skipped", str(total[2]))
    root.set("time", f"{total[3]:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write(path, name, suites):
    """Writes the document atomically."""
    atomic_write(path, to_xml(name, suites))
