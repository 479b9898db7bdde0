using System.Globalization;
using CertBroker.Core.Audit;
using CertBroker.Core.Backends;
using CertBroker.Core.Enrolment;
using CertBroker.Core.Profiles;
using CertBroker.Core.Renewal;
using CertBroker.Core.Model;
using CertBroker.Core.Storage;
using CertBroker.Scep;

namespace CertBroker.Core.Approvals;

public enum QueueDecisionOutcome
{
    Done,
    NotFound,
    Conflict,
}
