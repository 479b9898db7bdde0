using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageOptions.Parse(options.Provider) == StorageProvider.Unknown
            ? ValidateOptionsResult.Fail(
                $"{StorageOptions.ProviderKey} '{options.Provider}' is not a storage provider; use {nameof(StorageProvider.Sqlite)} (the default) or {nameof(StorageProvider.Postgres)}.")
            : ValidateOptionsResult.Success;
}
