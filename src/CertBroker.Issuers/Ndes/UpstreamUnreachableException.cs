using System.Net.Http.Headers;

namespace CertBroker.Issuers.Ndes;

/// <summary>The upstream could not be asked: network error, timeout, or an HTTP status other than 200.</summary>
public sealed class UpstreamUnreachableException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>A 401 that offers Negotiate or NTLM.</summary>
    public bool OffersWindowsAuthentication { get; init; }
}
