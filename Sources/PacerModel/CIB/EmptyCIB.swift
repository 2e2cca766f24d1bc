// SPDX-License-Identifier: GPL-2.0-or-later
/// The CIB `cibadmin --empty` writes for Pacemaker 2.1.5.
public enum EmptyCIB {
    public static let validateWith = "pacemaker-3.9"
    public static let featureSet = "3.16.1"

    public static func make() -> XMLElement {
        XMLElement("cib", [("crm_feature_set", featureSet), ("validate-with", validateWith),
                           ("epoch", "1"), ("num_updates", "0"), ("admin_epoch", "0")],
                   elements: [
                       XMLElement("configuration", [], elements: [
                           XMLElement("crm_config"), XMLElement("nodes"), XMLElement("resources"), XMLElement("constraints"),
                       ]),
                       XMLElement("status"),
                   ])
    }
}
