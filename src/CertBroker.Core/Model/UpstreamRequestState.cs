namespace CertBroker.Core.Model;

/// <summary>Where a request to the upstream CA stands.</summary>
public enum UpstreamRequestState
{
    /// <summary>Not yet accepted by the upstream (it could not be reached): the PKCSReq is sent again.</summary>
    Pending = 0,

    /// <summary>The upstream answered PENDING: it is polled with CertPoll.</summary>
    Submitted = 1,

    Issued = 2,

    Failed = 3,
}
