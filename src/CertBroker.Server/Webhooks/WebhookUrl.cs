namespace CertBroker.Server.Webhooks;

/// <summary>The webhook URL as it may appear in a log line or a configuration problem.</summary>
internal static class WebhookUrl
{
    /// <summary>
    /// Scheme, host and port only: receivers often put a secret in the path or query (<c>/hooks/T0K3N</c>), and user
    /// information is a password. An unparsable value gives nothing of itself away.
    /// </summary>
    public static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "(unset)";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            return "(not an absolute URL)";
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}/…" : $"{uri.Scheme}://{uri.Host}:{uri.Port}/…";
    }
}
