import {
  Kind,
  TypeInfo,
  getNamedType,
  parse,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { isRole, type Role } from '../../lib/auth/Role';
import type { User } from '../../lib/auth/Principal';

/** Who may read one field or type, as declared with @access in schema/. */
export interface AccessRule {
  roles: ReadonlySet<Role>;
  /** When set, the caller must also have stated one of these purposes of use. */
  purposes: ReadonlySet<string> | null;
  /** Reads are written to the audit trail (always so when purposes are required). */
  audit: boolean;
}

/**
 * All an @access rule may read about the caller: role and stated purpose. Decisions are cached
 * on this (gateway/auth/AccessDecisions.ts); a rule needing more (the user's id, NHS number,
 * the request's variables) does not belong in this policy but in a per-request check.
 */
export type AccessSubject = Pick<User, 'role' | 'purposeOfUse'>;

/** A field the caller may not read, and why. */
export interface Denial {
  /** "Type.field" */
  field: string;
  reason: string;
}

/**
 * The access policy read from the composed supergraph's @access directives: one rule per
 * type and per field, so the policy lives next to the types in schema/ and the gateway
 * enforces exactly what the SDL says. Root fields without a rule are denied (fail safe).
 */
export class AccessPolicy {
  private constructor(
    private readonly fieldRules: ReadonlyMap<string, AccessRule>,
    private readonly typeRules: ReadonlyMap<string, AccessRule>,
  ) {}

  static fromSupergraph(supergraphSdl: string): AccessPolicy {
    const fields = new Map<string, AccessRule>();
    const types = new Map<string, AccessRule>();
    for (const def of parse(supergraphSdl).definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const typeRule = ruleOf(def.directives, def.name.value);
      if (typeRule) types.set(def.name.value, typeRule);
      for (const field of def.fields ?? []) {
        const rule = ruleOf(field.directives, `${def.name.value}.${field.name.value}`);
        if (rule) fields.set(`${def.name.value}.${field.name.value}`, rule);
      }
    }
    return new AccessPolicy(fields, types);
  }

  /**
   * Every field in the operation the user may not read. Runs before planning, so a denied
   * field costs no region call.
   */
  check(schema: GraphQLSchema, document: DocumentNode, user: AccessSubject): { denials: Denial[]; identifiable: boolean } {
    const denials: Denial[] = [];
    let identifiable = false;
    const rootTypes = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name].filter(Boolean));
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          const fieldDef = typeInfo.getFieldDef();
          if (!parent || !fieldDef || node.name.value.startsWith('__')) return;
          const name = `${parent.name}.${node.name.value}`;
          const returnType = getNamedType(fieldDef.type).name;
          const rules = [this.fieldRules.get(name), this.typeRules.get(returnType)].filter((r): r is AccessRule => r !== undefined);
          if (rules.length === 0 && rootTypes.has(parent.name)) {
            denials.push({ field: name, reason: 'it has no access rule' });
            return;
          }
          for (const rule of rules) {
            if (rule.audit) identifiable = true;
            const reason = refusal(rule, user);
            if (reason) {
              denials.push({ field: name, reason });
              return;
            }
          }
        },
      }),
    );
    return { denials, identifiable };
  }
}

function refusal(rule: AccessRule, user: AccessSubject): string | null {
  if (!rule.roles.has(user.role)) return `it needs role ${[...rule.roles].join(' or ')}, and the caller is ${user.role}`;
  if (rule.purposes && (!user.purposeOfUse || !rule.purposes.has(user.purposeOfUse))) {
    return `it needs a stated purpose of use of ${[...rule.purposes].join(' or ')} (token claim purpose_of_use or header X-Purpose-Of-Use)`;
  }
  return null;
}

function ruleOf(directives: readonly DirectiveNode[] | undefined, where: string): AccessRule | null {
  const access = directives?.find((d) => d.name.value === 'access');
  if (!access) return null;
  const arg = (name: string) => {
    const node = access.arguments?.find((a) => a.name.value === name);
    return node ? valueFromASTUntyped(node.value) : null;
  };
  const roles = arg('roles');
  const purposes = arg('purposes');
  if (!Array.isArray(roles) || roles.some((r) => !isRole(r))) throw new Error(`@access on ${where} names an unknown role: ${JSON.stringify(roles)}`);
  const required = Array.isArray(purposes) && purposes.length > 0 ? new Set(purposes.map(String)) : null;
  return { roles: new Set(roles as Role[]), purposes: required, audit: required !== null || arg('audit') === true };
}
