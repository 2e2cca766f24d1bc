// SPDX-License-Identifier: GPL-2.0-or-later
/// One parsed crmsh command, before it is applied to a CIB.
public enum CrmCommand: Sendable, Equatable {
    /// `property`, `rsc_defaults`, `op_defaults`: name=value pairs merged into an attribute set.
    case attributeSet(AttributeSetCommand)
    /// `node [$id=ID] NAME …` at the configure level.
    case node(NodeDefinition)
    case primitive(PrimitiveDefinition)
    case group(GroupDefinition)
    case clone(CloneDefinition)
    /// `rsc_template ID AGENT …`: a `<template>` primitives can name with `@ID`.
    case template(PrimitiveDefinition)
    /// `tag ID[:] REF…`.
    case tag(TagDefinition)
    /// `alert ID PATH …`.
    case alert(AlertDefinition)
    /// `rsc_ticket ID TICKET: RSC… [loss-policy=…]`.
    case ticket(TicketDefinition)
    /// `fencing_topology …`.
    case fencingTopology(FencingTopologyDefinition)
    /// `role ID PERMISSION…` (Pacemaker 2 ACLs).
    case aclRole(AclRoleDefinition)
    /// `acl_target ID ROLE…` or `acl_group ID ROLE…`.
    case aclTarget(AclTargetDefinition)
    case location(LocationDefinition)
    case colocation(ColocationDefinition)
    case order(OrderDefinition)
    /// `force`: delete a running resource too (the cluster then stops it as an orphan).
    case delete(ids: [String], force: Bool = false)
    /// crmsh's `erase`: every object but the nodes (`force`: running resources too, stopped as orphans).
    case erase(force: Bool = false)
    case show(xml: Bool, ids: [String])
    case verify
    /// `node standby|online NAME` (node level): the permanent `standby` node attribute.
    case nodeStandby(node: String, on: Bool)
}

/// An ordered list of `name=value` pairs as typed.
public struct NameValues: Sendable, Equatable {
    public var pairs: [Pair]
    public struct Pair: Sendable, Equatable {
        public var name: String
        public var value: String
    }
    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs.map { Pair(name: $0.name, value: $0.value) }
    }
    public var isEmpty: Bool { pairs.isEmpty }
}

/// One `params`/`meta`/`utilization` block of a resource.
public struct AttributeBlock: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case params = "instance_attributes", meta = "meta_attributes", utilization
    }
    public var kind: Kind
    public var values: NameValues
}

public struct AttributeSetCommand: Sendable, Equatable {
    public enum Section: String, Sendable, Equatable {
        case property, rscDefaults = "rsc_defaults", opDefaults = "op_defaults"
    }
    public var section: Section
    /// The set id given with `$id=` or `ID:`; nil means the default set.
    public var setID: String?
    public var values: NameValues
}

public struct NodeDefinition: Sendable, Equatable {
    public var id: String?
    public var uname: String
    public var type: String?
    public var description: String?
    public var attributes: NameValues
    public var utilization: NameValues
}

public struct OpDefinition: Sendable, Equatable {
    public var name: String
    /// Attributes placed on `<op>`, in typed order.
    public var attributes: NameValues
    public var params: NameValues
    public var meta: NameValues
}

public struct PrimitiveDefinition: Sendable, Equatable {
    public var id: String
    public var resourceClass: String
    public var provider: String?
    public var type: String
    public var description: String?
    /// `params`, `meta` and `utilization` blocks in typed order; each becomes one set.
    public var blocks: [AttributeBlock]
    public var ops: [OpDefinition]
    /// `@TEMPLATE` instead of an agent (then class, provider and type are not written).
    public var template: String? = nil
    /// How many of `blocks` come before `<operations>` (crmsh keeps the typed order); nil: all.
    public var operationsIndex: Int? = nil
}

public struct GroupDefinition: Sendable, Equatable {
    public var id: String
    public var members: [String]
    public var description: String?
    public var blocks: [AttributeBlock]
}

public struct CloneDefinition: Sendable, Equatable {
    public var id: String
    public var child: String
    public var description: String?
    public var blocks: [AttributeBlock]
    /// `ms`/`master`: a `<master>` element (deprecated in crmsh, still written as such).
    public var master = false
    /// The command as typed (`ms …` or `master …`), for crmsh's deprecation warnings.
    public var typed: [String] = []
}

/// `tag ID[:] REF…`: a `<tag>` of `<obj_ref>`s.
public struct TagDefinition: Sendable, Equatable {
    public var id: String
    public var references: [String]
}

/// `alert ID PATH [description=…] [meta …] [attributes …] [select …] [to …]…`, pieces in typed order.
public struct AlertDefinition: Sendable, Equatable {
    public var id: String
    public var path: String
    public var description: String?
    public var items: [Item]

    public enum Item: Sendable, Equatable {
        /// `attributes` (instance_attributes) or `meta` (meta_attributes).
        case block(AttributeBlock)
        case select([Selector])
        case recipient(Recipient)
    }

    public enum Selector: Sendable, Equatable {
        case nodes, fencing, resources
        case attributes([String])
    }

    public struct Recipient: Sendable, Equatable {
        public var value: String
        public var description: String?
        public var blocks: [AttributeBlock]
    }
}

/// `location ID RSC [role=R] [resource-discovery=D] (SCORE: NODE | rule …)`.
public struct LocationDefinition: Sendable, Equatable {
    public var id: String
    public var resource: String
    public var role: String?
    public var resourceDiscovery: String?
    public var score: String?
    public var node: String?
    public var rules: [RuleDefinition]
}

public struct RuleDefinition: Sendable, Equatable {
    public var id: String?
    public var role: String?
    /// `score` as crmsh writes it (`INFINITY`, `-INFINITY`, a number), or nil with `scoreAttribute`.
    public var score: String?
    public var scoreAttribute: String?
    /// "and" / "or", only when more than one expression.
    public var booleanOp: String?
    public var expressions: [ExpressionDefinition]
}

public struct ExpressionDefinition: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case compare(attribute: String, operation: String, value: String, type: String?)
        case defined(attribute: String, negated: Bool)
        case date(operation: String, start: String?, end: String?)
    }
    public var kind: Kind
}

/// A resource set of a colocation or order: `( … )` is not sequential, `[ … ]` also not require-all.
public struct ResourceSet: Sendable, Equatable {
    public var resources: [String]
    public var sequential: Bool
    public var requireAll: Bool
    public var role: String?
    public var action: String?
}

/// A resource written on a colocation, order or rsc_ticket itself rather than in a set, with
/// its role (colocation, rsc_ticket) or action (order), as `ResourceSet` has them.
public struct ResourceRef: Sendable, Equatable {
    public var id: String
    public var role: String?
    public var action: String?
}

public struct ColocationDefinition: Sendable, Equatable {
    public var id: String
    public var score: String
    /// Two resources (rsc, with-rsc); empty when `sets` is used.
    public var refs: [ResourceRef]
    public var sets: [ResourceSet]
    public var nodeAttribute: String?
}

public struct OrderDefinition: Sendable, Equatable {
    public var id: String
    /// `Mandatory`, `Optional`, `Serialize`, or nil when no kind was given.
    public var kind: String?
    /// Two resources (first, then); empty when `sets` is used.
    public var refs: [ResourceRef]
    public var sets: [ResourceSet]
    public var symmetrical: String?
}

public struct TicketDefinition: Sendable, Equatable {
    public var id: String
    public var ticket: String
    public var lossPolicy: String?
    /// One resource (rsc, rsc-role); empty when `sets` is used.
    public var refs: [ResourceRef]
    public var sets: [ResourceSet]
}

public struct FencingTopologyDefinition: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case node(String)
        case pattern(String)
        case attribute(name: String, value: String)
    }

    public struct Level: Sendable, Equatable {
        /// nil: the level is for every node of the CIB.
        public var target: Target?
        /// Comma-separated devices, as typed.
        public var devices: String
    }

    public var levels: [Level]
}

/// `role ID [description=…] (read|write|deny) SPEC… …`, each right expanded to the `<acl_permission>`s crmsh writes.
public struct AclRoleDefinition: Sendable, Equatable {
    public struct Permission: Sendable, Equatable {
        public var kind: String
        public var description: String?
        /// Exactly one of xpath, reference, objectType (with an optional attribute).
        public var xpath: String?
        public var reference: String?
        public var objectType: String?
        public var attribute: String?
    }

    public var id: String
    public var description: String?
    public var permissions: [Permission]
}

public struct AclTargetDefinition: Sendable, Equatable {
    /// `acl_group` rather than `acl_target`.
    public var group: Bool
    public var id: String
    public var roles: [String]
}
