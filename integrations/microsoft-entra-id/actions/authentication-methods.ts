/** An entry of GET /users/{id}/authentication/methods. */
export interface GraphAuthenticationMethod {
  '@odata.type': string;
  id: string;
  phoneType?: string;
}

/**
 * The registered authentication methods an application may delete (Graph v1.0), and the collection
 * under /users/{id}/authentication/ each lives in. The same list as Microsoft's own
 * Remove-EntraUserAuthenticationMethod, which replicates the portal's "Require re-register MFA".
 * Passwords cannot be deleted; types not listed here are left alone.
 */
export const DELETABLE_METHODS: Readonly<Record<string, string>> = {
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
};

/** The collection a method is deleted from, or undefined when it is not ours to delete. */
export function collectionOf(method: GraphAuthenticationMethod): string | undefined {
  return Object.hasOwn(DELETABLE_METHODS, method['@odata.type'])
    ? DELETABLE_METHODS[method['@odata.type']]
    : undefined;
}

/**
 * The mobile number goes last: Graph refuses to delete it while an alternate mobile number exists,
 * and it is often the default method, which can only go once nothing else is left.
 */
export function deletionOrder(methods: GraphAuthenticationMethod[]): GraphAuthenticationMethod[] {
  const isMobile = (m: GraphAuthenticationMethod) => m.phoneType === 'mobile';
  return [...methods.filter((m) => !isMobile(m)), ...methods.filter(isMobile)];
}
