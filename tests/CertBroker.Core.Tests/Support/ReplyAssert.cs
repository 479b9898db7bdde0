using CertBroker.Core.Enrolment;
using CertBroker.Issuers.Embedded;
using CertBroker.Scep;

namespace CertBroker.Core.Tests.Support;

/// <summary>What every client checks on a CertRep before it looks at the status.</summary>
internal static class ReplyAssert
{
    /// <summary>
    /// A FAILURE with <paramref name="expected"/>, signed by the RA signing certificate, echoing the request's
    /// transactionID and its senderNonce as recipientNonce (RFC 8894 §3.2.1).
    /// </summary>
    public static PkiMessage Failure(ClientMessage request, ScepResult result, FailInfo expected, RegistrationAuthority ra)
    {
        Assert.NotNull(result.Body);
        PkiMessage reply = PkiMessage.Read(result.Body);
        Assert.Equal(MessageType.CertRep, reply.MessageType);
        Assert.Equal(PkiStatus.Failure, reply.Status);
        Assert.Equal(expected, reply.FailInfo);
        AssertAnswers(request, reply, ra);
        return reply;
    }

    /// <summary>A PENDING (RFC 8894 §3.3.2): signed by the RA, answering the request, no failInfo, nothing enveloped.</summary>
    public static PkiMessage Pending(ClientMessage request, ScepResult result, RegistrationAuthority ra)
    {
        Assert.NotNull(result.Body);
        PkiMessage reply = PkiMessage.Read(result.Body);
        Assert.Equal(MessageType.CertRep, reply.MessageType);
        Assert.Equal(PkiStatus.Pending, reply.Status);
        Assert.Null(reply.FailInfo);
        Assert.Null(reply.MessageData);
        AssertAnswers(request, reply, ra);
        return reply;
    }

    /// <summary>A SUCCESS the client can open, signed by the RA and answering the request.</summary>
    public static CertRepContent Success(ClientMessage request, ScepResult result, RegistrationAuthority ra)
    {
        CertRepContent reply = request.Open(result);
        Assert.Equal(PkiStatus.Success, reply.Message.Status);
        Assert.Null(reply.Message.FailInfo);
        AssertAnswers(request, reply.Message, ra);
        return reply;
    }

    private static void AssertAnswers(ClientMessage request, PkiMessage reply, RegistrationAuthority ra)
    {
        Assert.True(reply.SignatureValid);
        Assert.Equal(ra.SigningCertificate.RawData, reply.Signer.RawData);
        Assert.Equal(request.TransactionId, reply.TransactionId);
        Assert.Equal(request.SenderNonce, reply.RecipientNonce);
    }
}
