using System.Net;
using Microsoft.Extensions.Options;

namespace CertBroker.Server.Hosting;

/// <summary>Reports every unusable proxy address, network and limit at once, with its key.</summary>
public sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (string proxy in options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            failures.Add($"{ForwardedHeadersSettings.SectionName}:{nameof(options.KnownProxies)}: '{proxy}' is not an IP address.");
        }

        foreach (string network in options.KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            failures.Add($"{ForwardedHeadersSettings.SectionName}:{nameof(options.KnownNetworks)}: '{network}' is not a network such as 10.0.0.0/24.");
        }

        if (options.ForwardLimit is < 1 or > 10)
        {
            failures.Add($"{ForwardedHeadersSettings.SectionName}:{nameof(options.ForwardLimit)} must be between 1 and 10; got {options.ForwardLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
