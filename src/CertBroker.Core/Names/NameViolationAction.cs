namespace CertBroker.Core.Names;

/// <summary>What happens to a request with a name the profile's policy refuses.</summary>
public enum NameViolationAction
{
    /// <summary>The whole request is refused: a signed FAILURE badRequest, the rule in the log and audit trail.</summary>
    Refuse,

    /// <summary>The name is left out and the rest is issued; a name that does not parse still refuses the request.</summary>
    Drop,
}
