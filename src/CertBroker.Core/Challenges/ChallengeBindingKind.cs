using CertBroker.Core.Inventory;

namespace CertBroker.Core.Challenges;

/// <summary>The device value a one-time password is bound to, in the API's spelling.</summary>
public enum ChallengeBindingKind
{
    CommonName,
    San,
    MacAddress,
    SerialNumber,
}
