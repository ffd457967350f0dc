// @pandatix/js-cvss 0.4.4 ships ES modules whose relative imports lack the ".js" extension,
// which Node refuses; retry such specifiers with the extension added.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' && specifier.startsWith('.') && !specifier.endsWith('.js')) {
      return next(`${specifier}.js`, context);
    }
    throw error;
  }
}
