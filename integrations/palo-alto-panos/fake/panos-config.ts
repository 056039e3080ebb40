import { isIP } from 'node:net';
import { child, childrenNamed, el, type XmlElement } from '../panos-xml';

/** The slice of a vsys the fake models: address objects and static address groups. */
export interface AddressObject {
  name: string;
  type: 'ip-netmask' | 'fqdn';
  value: string;
  description?: string;
}

export interface AddressGroup {
  name: string;
  members: string[];
  description?: string;
}

export interface VsysConfig {
  addresses: Map<string, AddressObject>;
  groups: Map<string, AddressGroup>;
}

/** The config node an xpath names (within the subset the fake understands). */
export type ConfigNode =
  | { kind: 'addresses'; vsys: string }
  | { kind: 'address'; vsys: string; name: string }
  | { kind: 'groups'; vsys: string }
  | { kind: 'group'; vsys: string; name: string }
  | { kind: 'static'; vsys: string; name: string }
  | { kind: 'member'; vsys: string; name: string; member: string };

/** A PAN-OS XML API error as the fake answers it: `<response status="error" code=…>`. */
export class PanosConfigError extends Error {
  constructor(
    readonly code: string,
    readonly lines: string[],
  ) {
    super(lines.join(' '));
  }
}

const Q = `(?:'([^']*)'|"([^"]*)")`;
const PREFIX = new RegExp(`^/config/devices/entry(?:\\[@name=${Q}\\])?/vsys/entry\\[@name=${Q}\\](.*)$`);
const ENTRY = new RegExp(`^/entry\\[@name=${Q}\\](.*)$`);
const MEMBER = new RegExp(`^/static/member\\[text\\(\\)=${Q}\\]$`);
const HOSTNAME =
  /^(?=.{1,255}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/** Resolves an xpath to a node, or throws code 6 (bad xpath) for anything outside the subset. */
export function parseXpath(xpath: string, deviceName: string): ConfigNode {
  const prefix = PREFIX.exec(xpath);
  const device = prefix ? (prefix[1] ?? prefix[2]) : undefined;
  if (!prefix || (device !== undefined && device !== deviceName)) throw badXpath(xpath);
  const vsys = prefix[3] ?? prefix[4];
  const rest = prefix[5] ?? '';
  const section = /^\/(address-group|address)((?:\/.*)?)$/.exec(rest);
  if (!section) throw badXpath(xpath);
  const isGroup = section[1] === 'address-group';
  const tail = section[2] ?? '';
  if (!tail) return { kind: isGroup ? 'groups' : 'addresses', vsys };
  const entry = ENTRY.exec(tail);
  if (!entry) throw badXpath(xpath);
  const name = entry[1] ?? entry[2];
  const below = entry[3] ?? '';
  if (!below) return { kind: isGroup ? 'group' : 'address', vsys, name };
  if (!isGroup) throw badXpath(xpath);
  if (below === '/static') return { kind: 'static', vsys, name };
  const member = MEMBER.exec(below);
  if (!member) throw badXpath(xpath);
  return { kind: 'member', vsys, name, member: member[1] ?? member[2] };
}

export function emptyVsys(): VsysConfig {
  return { addresses: new Map(), groups: new Map() };
}

export function cloneVsys(config: VsysConfig): VsysConfig {
  return {
    addresses: new Map([...config.addresses].map(([k, v]) => [k, { ...v }])),
    groups: new Map([...config.groups].map(([k, v]) => [k, { ...v, members: [...v.members] }])),
  };
}

/** A stable JSON form (for equality and `GET /__config`). */
export function vsysJson(config: VsysConfig): { addresses: AddressObject[]; groups: AddressGroup[] } {
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    addresses: [...config.addresses.values()].sort(byName),
    groups: [...config.groups.values()].map((g) => ({ ...g, members: [...g.members].sort() })).sort(byName),
  };
}

/** The node as PAN-OS prints it; undefined when it does not exist (code 7). */
export function renderNode(
  config: VsysConfig,
  node: ConfigNode,
  memberAttrs: (group: string, member: string) => Record<string, string> = () => ({}),
): XmlElement | undefined {
  switch (node.kind) {
    case 'addresses':
      return el('address', {}, [...config.addresses.values()].map(renderAddress));
    case 'address': {
      const address = config.addresses.get(node.name);
      return address ? renderAddress(address) : undefined;
    }
    case 'groups':
      return el(
        'address-group',
        {},
        [...config.groups.values()].map((g) => renderGroup(g, memberAttrs)),
      );
    case 'group': {
      const group = config.groups.get(node.name);
      return group ? renderGroup(group, memberAttrs) : undefined;
    }
    case 'static': {
      const group = config.groups.get(node.name);
      return group?.members.length ? renderStatic(group, memberAttrs) : undefined;
    }
    case 'member': {
      const group = config.groups.get(node.name);
      return group?.members.includes(node.member)
        ? el('member', memberAttrs(group.name, node.member), node.member)
        : undefined;
    }
  }
}

/** `action=set`: merges the element's children into the node, creating what is missing. */
export function setNode(config: VsysConfig, node: ConfigNode, element: XmlElement[]): void {
  switch (node.kind) {
    case 'addresses':
      for (const entry of childrenNamedIn(element, 'entry'))
        setAddress(config, entry.attrs.name ?? '', entry.children);
      return;
    case 'address':
      return setAddress(config, node.name, element);
    case 'groups':
      for (const entry of childrenNamedIn(element, 'entry'))
        setGroup(config, entry.attrs.name ?? '', entry.children);
      return;
    case 'group':
      return setGroup(config, node.name, element);
    case 'static':
      return setGroup(config, node.name, [el('static', {}, element)]);
    case 'member':
      throw new PanosConfigError('12', ['set the member through its group\'s "static" node']);
  }
}

/** `action=delete`; code 7 when absent, code 10 when an address is still in a group. */
export function deleteNode(config: VsysConfig, node: ConfigNode): void {
  switch (node.kind) {
    case 'addresses':
    case 'groups':
      throw new PanosConfigError('14', ['deleting a whole section is not possible here']);
    case 'address': {
      if (!config.addresses.has(node.name)) throw notPresent();
      const users = [...config.groups.values()].filter((g) => g.members.includes(node.name));
      if (users.length) {
        throw new PanosConfigError('10', [
          `${node.name} cannot be deleted because of references from:`,
          ...users.map((g) => `address-group -> ${g.name} -> static`),
        ]);
      }
      config.addresses.delete(node.name);
      return;
    }
    case 'group':
      if (!config.groups.delete(node.name)) throw notPresent();
      return;
    case 'static': {
      const group = config.groups.get(node.name);
      if (!group?.members.length) throw notPresent();
      group.members = [];
      return;
    }
    case 'member': {
      const group = config.groups.get(node.name);
      if (!group?.members.includes(node.member)) throw notPresent();
      group.members = group.members.filter((m) => m !== node.member);
      return;
    }
  }
}

/** Commit-time validation: what PAN-OS would list under "Validation Error". */
export function validate(vsys: string, config: VsysConfig): string[] {
  const problems: string[] = [];
  for (const group of config.groups.values()) {
    if (!group.members.length) problems.push(`address-group -> ${group.name}  is missing 'static'`);
    for (const member of group.members) {
      if (!config.addresses.has(member) && !config.groups.has(member)) {
        problems.push(`address-group -> ${group.name} -> static '${member}' is not a valid reference`);
      }
    }
  }
  return problems.map((p) => `${vsys}: ${p}`);
}

function setAddress(config: VsysConfig, name: string, children: XmlElement[]): void {
  if (!name) throw new PanosConfigError('12', ['address entry without a name']);
  const existing = config.addresses.get(name);
  const netmask = childIn(children, 'ip-netmask');
  const fqdn = childIn(children, 'fqdn');
  const description = childIn(children, 'description');
  let type = existing?.type;
  let value = existing?.value;
  if (netmask) {
    const text = netmask.text.trim();
    const [ip, bits, extra] = text.split('/');
    const family = isIP(ip ?? '');
    const max = family === 6 ? 128 : 32;
    if (
      !family ||
      extra !== undefined ||
      (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))
    ) {
      throw new PanosConfigError('12', [
        `address -> ${name} -> ip-netmask '${text}' is not a valid IP address`,
      ]);
    }
    type = 'ip-netmask';
    value = text;
  } else if (fqdn) {
    const text = fqdn.text.trim();
    if (!HOSTNAME.test(text))
      throw new PanosConfigError('12', [`address -> ${name} -> fqdn '${text}' is invalid`]);
    type = 'fqdn';
    value = text;
  }
  if (!type || value === undefined) {
    throw new PanosConfigError('12', [`address -> ${name} needs an ip-netmask or fqdn`]);
  }
  config.addresses.set(name, {
    name,
    type,
    value,
    description: description ? description.text : existing?.description,
  });
}

function setGroup(config: VsysConfig, name: string, children: XmlElement[]): void {
  if (!name) throw new PanosConfigError('12', ['address-group entry without a name']);
  const group = config.groups.get(name) ?? { name, members: [] };
  const added = childrenNamed(childIn(children, 'static'), 'member').map((m) => m.text.trim());
  for (const member of added) if (member && !group.members.includes(member)) group.members.push(member);
  const description = childIn(children, 'description');
  if (description) group.description = description.text;
  config.groups.set(name, group);
}

function renderAddress(address: AddressObject): XmlElement {
  const children = [el(address.type, {}, address.value)];
  if (address.description !== undefined) children.push(el('description', {}, address.description));
  return el('entry', { name: address.name }, children);
}

function renderGroup(
  group: AddressGroup,
  memberAttrs: (group: string, member: string) => Record<string, string>,
): XmlElement {
  const children: XmlElement[] = group.members.length ? [renderStatic(group, memberAttrs)] : [];
  if (group.description !== undefined) children.push(el('description', {}, group.description));
  return el('entry', { name: group.name }, children);
}

function renderStatic(
  group: AddressGroup,
  memberAttrs: (group: string, member: string) => Record<string, string>,
): XmlElement {
  return el(
    'static',
    {},
    group.members.map((m) => el('member', memberAttrs(group.name, m), m)),
  );
}

function childIn(children: XmlElement[], name: string): XmlElement | undefined {
  return child(el('x', {}, children), name);
}

function childrenNamedIn(children: XmlElement[], name: string): XmlElement[] {
  return children.filter((c) => c.name === name);
}

function notPresent(): PanosConfigError {
  return new PanosConfigError('7', ['Object not present']);
}

function badXpath(xpath: string): PanosConfigError {
  return new PanosConfigError('6', [`Bad XPath: ${xpath} (the fake knows address and address-group)`]);
}
