#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the synthetic scale CIBs of the scheduler benchmark, byte for byte.

usage: gen-scale.py [-o DIR] [N...]     (default: 30 300 3000 9000, DIR: ./cases)

scale-NNNNN.xml has N ocf:heartbeat:Dummy primitives (N a multiple of 3) in groups
of three, on two online nodes, resource-stickiness=100 and stonith-enabled=false.
Group i (0-based) is
  * by i % 4: running on node1, running on node2, probed stopped on both
    nodes, or never probed;
  * by i % 3: preferred on node2 (score 50), on node1 (score 500), or neither;
  * target-role=Stopped when i + 1 is a multiple of 10.
So the transition has Start, Stop and Move actions plus probes.
"""
import argparse
import os

UUID = "5f3c5a3e-0000-4000-8000-00000000c0de"
START_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8"
MONITOR_DIGEST = "4811cef7f7f94e3a35a70be7916cb2fd"


def op(rsc, node, call, operation, interval, rc, key_id, digest):
    key = f"{call}:1:{rc}:{UUID}"
    return (f'          <lrm_rsc_op id="{rsc}_{key_id}" operation_key="{rsc}_{operation}_{interval}" '
            f'operation="{operation}" crm-debug-origin="gen-scale" crm_feature_set="3.16.1" '
            f'transition-key="{key}" transition-magic="0:{rc};{key}" exit-reason="" on_node="{node}" '
            f'call-id="{call}" rc-code="{rc}" op-status="0" interval="{interval}" last-rc-change="1699999400" '
            f'exec-time="10" queue-time="0" op-digest="{digest}"/>\n')


def cib(n):
    groups = n // 3
    out = ['<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.7" epoch="1" num_updates="0" '
           'admin_epoch="0" have-quorum="1" dc-uuid="1" execution-date="1700000000">\n',
           "  <configuration>\n",
           "    <crm_config>\n",
           '      <cluster_property_set id="cib-bootstrap-options">\n',
           '        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>\n',
           '        <nvpair id="cib-bootstrap-options-no-quorum-policy" name="no-quorum-policy" value="stop"/>\n',
           '        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="scale"/>\n',
           "      </cluster_property_set>\n",
           "    </crm_config>\n",
           "    <nodes>\n",
           '      <node id="1" uname="node1"/>\n',
           '      <node id="2" uname="node2"/>\n',
           "    </nodes>\n",
           "    <resources>\n"]
    for g in range(groups):
        gid = f"g{g + 1:05d}"
        out.append(f'      <group id="{gid}">\n')
        if (g + 1) % 10 == 0:
            out.append(f'        <meta_attributes id="{gid}-meta_attributes">\n')
            out.append(f'          <nvpair id="{gid}-meta_attributes-target-role" name="target-role" value="Stopped"/>\n')
            out.append("        </meta_attributes>\n")
        for m in range(3):
            rid = f"r{3 * g + m + 1:05d}"
            out.append(f'        <primitive id="{rid}" class="ocf" provider="heartbeat" type="Dummy">\n')
            out.append("          <operations>\n")
            out.append(f'            <op id="{rid}-monitor-interval-10s" name="monitor" interval="10s" timeout="20s"/>\n')
            out.append("          </operations>\n")
            out.append("        </primitive>\n")
        out.append("      </group>\n")
    out.append("    </resources>\n")
    out.append("    <constraints>\n")
    for g in range(groups):
        gid = f"g{g + 1:05d}"
        if g % 3 == 0:
            out.append(f'      <rsc_location id="loc-{gid}" rsc="{gid}" node="node2" score="50"/>\n')
        elif g % 3 == 1:
            out.append(f'      <rsc_location id="loc-{gid}" rsc="{gid}" node="node1" score="500"/>\n')
    out.append("    </constraints>\n")
    out.append("    <rsc_defaults>\n")
    out.append('      <meta_attributes id="rsc_defaults-options">\n')
    out.append('        <nvpair id="rsc_defaults-options-resource-stickiness" name="resource-stickiness" value="100"/>\n')
    out.append("      </meta_attributes>\n")
    out.append("    </rsc_defaults>\n")
    out.append("  </configuration>\n")
    out.append("  <status>\n")
    for index, node in enumerate(["node1", "node2"]):
        nid = index + 1
        out.append(f'    <node_state id="{nid}" uname="{node}" in_ccm="true" crmd="online" crm-debug-origin="gen-scale" '
                   'join="member" expected="member">\n')
        out.append(f'      <lrm id="{nid}">\n')
        out.append("        <lrm_resources>\n")
        call = 0
        for g in range(groups):
            state = g % 4
            if state == 3:
                continue  # never probed
            running_here = state == index
            for m in range(3):
                rid = f"r{3 * g + m + 1:05d}"
                out.append(f'        <lrm_resource id="{rid}" class="ocf" provider="heartbeat" type="Dummy">\n')
                call += 1
                if running_here:
                    out.append(op(rid, node, call, "start", 0, 0, "last_0", START_DIGEST))
                    call += 1
                    out.append(op(rid, node, call, "monitor", 10000, 0, "monitor_10000", MONITOR_DIGEST))
                else:
                    out.append(op(rid, node, call, "monitor", 0, 7, "last_0", START_DIGEST))
                out.append("        </lrm_resource>\n")
        out.append("        </lrm_resources>\n")
        out.append("      </lrm>\n")
        out.append("    </node_state>\n")
    out.append("  </status>\n")
    out.append("</cib>\n")
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description="Write the synthetic scale CIBs (scale-NNNNN.xml).")
    parser.add_argument("-o", "--output", default="cases", help="directory to write into (default: ./cases)")
    parser.add_argument("sizes", nargs="*", type=int, default=[30, 300, 3000, 9000],
                        help="numbers of primitives, multiples of 3 (default: 30 300 3000 9000)")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    for n in args.sizes:
        if n <= 0 or n % 3:
            parser.error(f"{n}: the number of primitives must be a positive multiple of 3")
        with open(os.path.join(args.output, f"scale-{n:05d}.xml"), "w", encoding="ascii", newline="\n") as f:
            f.write(cib(n))


if __name__ == "__main__":
    main()
