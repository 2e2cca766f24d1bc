#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes clone-heavy scale CIBs for the scheduler benchmark, byte for byte.

usage: gen-clones.py [-o DIR] [--nodes K[,K...]] [N...]   (default: --nodes 2,16, N 100 300 1000)

clones-KK-NNNNN.xml has K online nodes and N anonymous clones of ocf:heartbeat:Dummy
(c00001...) plus N promotable clones of ocf:pacemaker:Stateful (p00001...), each with
the default clone-max (one instance per node), stonith-enabled=false and
resource-stickiness=1. Clone i (0-based) is, by i % 3:
  * 0: running on every node (a promotable one promoted on node (i % K) + 1);
  * 1: probed stopped on every node;
  * 2: never probed.
Every promotable clone has a promotion score (master-pNNNNN) of 10 on node
((i + 1) % K) + 1 and 5 on the others, so a third of them move their promoted
instance. Recurring monitors are configured but not in the history, so the
transition also creates them.
"""
import argparse
import os

UUID = "5f3c5a3e-0000-4000-8000-00000000c10e"
START_DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8"


def op(rsc, node, call, operation, rc, key_id):
    key = f"{call}:1:{rc}:{UUID}"
    return (f'          <lrm_rsc_op id="{rsc}_{key_id}" operation_key="{rsc}_{operation}_0" '
            f'operation="{operation}" crm-debug-origin="gen-clones" crm_feature_set="3.16.1" '
            f'transition-key="{key}" transition-magic="0:{rc};{key}" exit-reason="" on_node="{node}" '
            f'call-id="{call}" rc-code="{rc}" op-status="0" interval="0" last-rc-change="1699999400" '
            f'exec-time="10" queue-time="0" op-digest="{START_DIGEST}"/>\n')


def cib(k, n):
    nodes = [f"node{j + 1}" for j in range(k)]
    out = ['<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.7" epoch="1" num_updates="0" '
           'admin_epoch="0" have-quorum="1" dc-uuid="1" execution-date="1700000000">\n',
           "  <configuration>\n    <crm_config>\n",
           '      <cluster_property_set id="cib-bootstrap-options">\n',
           '        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>\n',
           '        <nvpair id="opt-cluster-name" name="cluster-name" value="clones"/>\n',
           "      </cluster_property_set>\n    </crm_config>\n    <nodes>\n"]
    out += [f'      <node id="{j + 1}" uname="{name}"/>\n' for j, name in enumerate(nodes)]
    out.append("    </nodes>\n    <resources>\n")
    for i in range(n):
        c = f"c{i + 1:05d}"
        out.append(f'      <clone id="{c}-clone">\n')
        out.append(f'        <primitive id="{c}" class="ocf" provider="heartbeat" type="Dummy">\n')
        out.append(f'          <operations>\n            <op id="{c}-monitor-10s" name="monitor" interval="10s" timeout="20s"/>\n')
        out.append("          </operations>\n        </primitive>\n      </clone>\n")
    for i in range(n):
        p = f"p{i + 1:05d}"
        out.append(f'      <clone id="{p}-clone">\n')
        out.append(f'        <meta_attributes id="{p}-clone-meta">\n')
        out.append(f'          <nvpair id="{p}-clone-promotable" name="promotable" value="true"/>\n')
        out.append("        </meta_attributes>\n")
        out.append(f'        <primitive id="{p}" class="ocf" provider="pacemaker" type="Stateful">\n          <operations>\n')
        out.append(f'            <op id="{p}-monitor-10s" name="monitor" interval="10s" timeout="20s" role="Promoted"/>\n')
        out.append(f'            <op id="{p}-monitor-11s" name="monitor" interval="11s" timeout="20s" role="Unpromoted"/>\n')
        out.append("          </operations>\n        </primitive>\n      </clone>\n")
    out.append("    </resources>\n    <constraints/>\n    <rsc_defaults>\n")
    out.append('      <meta_attributes id="rsc-options">\n')
    out.append('        <nvpair id="rsc-options-resource-stickiness" name="resource-stickiness" value="1"/>\n')
    out.append("      </meta_attributes>\n    </rsc_defaults>\n  </configuration>\n  <status>\n")
    for j, node in enumerate(nodes):
        nid = j + 1
        out.append(f'    <node_state id="{nid}" uname="{node}" in_ccm="true" crmd="online" crm-debug-origin="gen-clones" '
                   'join="member" expected="member">\n')
        out.append(f'      <transient_attributes id="{nid}">\n        <instance_attributes id="status-{nid}">\n')
        for i in range(n):
            p = f"p{i + 1:05d}"
            score = 10 if j == (i + 1) % k else 5
            out.append(f'          <nvpair id="status-{nid}-master-{p}" name="master-{p}" value="{score}"/>\n')
        out.append("        </instance_attributes>\n      </transient_attributes>\n")
        out.append(f'      <lrm id="{nid}">\n        <lrm_resources>\n')
        call = 0
        for i in range(n):
            state = i % 3
            if state == 2:
                continue
            for rid, cls, prov, typ in ((f"c{i + 1:05d}", "ocf", "heartbeat", "Dummy"),
                                        (f"p{i + 1:05d}", "ocf", "pacemaker", "Stateful")):
                out.append(f'        <lrm_resource id="{rid}" class="{cls}" provider="{prov}" type="{typ}">\n')
                call += 1
                if state == 1:
                    out.append(op(rid, node, call, "monitor", 7, "last_0"))
                elif typ == "Stateful" and j == i % k:
                    out.append(op(rid, node, call, "promote", 0, "last_0"))
                else:
                    out.append(op(rid, node, call, "start", 0, "last_0"))
                out.append("        </lrm_resource>\n")
        out.append("        </lrm_resources>\n      </lrm>\n    </node_state>\n")
    out.append("  </status>\n</cib>\n")
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description="Write clone-heavy scale CIBs (clones-KK-NNNNN.xml).")
    parser.add_argument("-o", "--output", default="cases", help="directory to write into (default: ./cases)")
    parser.add_argument("--nodes", default="2,16", help="node counts, comma separated (default: 2,16)")
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 300, 1000],
                        help="clones of each kind (default: 100 300 1000)")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    for k in (int(x) for x in args.nodes.split(",")):
        for n in args.sizes:
            with open(os.path.join(args.output, f"clones-{k:02d}-{n:05d}.xml"), "w", encoding="ascii", newline="\n") as f:
                f.write(cib(k, n))


if __name__ == "__main__":
    main()
