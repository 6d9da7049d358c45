using Impact60.Application.Configuration;
using Impact60.Application.Storage;
using Impact60.Domain.Primitives;
using Impact60.Domain.Register;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Impact60.Application.Ingestion;

public sealed class IngestionOptions
{
    /// <summary>
    /// The contract's <c>referralCap</c> (rule R1): a new referral id beyond it is rejected, not dropped. No default: the
    /// cap comes only from the contract (the pipeline's composition sets it); a referrals delivery ingested without it
    /// set is refused.
    /// </summary>
    public int? ReferralCap { get; set; }

    /// <summary>
    /// The contract's <c>allowReReferral</c> (default false): whether a person already referred may be referred again under
    /// a new referral id. Off, one person is one referral in the programme, and a new referral id for a person that
    /// another referral id holds is rejected (docs/ingestion.md "One person, one referral").
    /// </summary>
    public bool AllowReReferral { get; set; }

    /// <summary>
    /// The contract's <c>maxCourseEndWeeksAhead</c> (default 52): a referral whose course_end lies more weeks than this
    /// after the delivery's date is rejected (an "open-ended" placeholder such as 9999-12-31, or a typing error).
    /// </summary>
    public int MaxCourseEndWeeksAhead { get; set; } = ReferralReadOptions.DefaultMaxCourseEndWeeksAhead;

    /// <summary>The referral rules a delivery received on <paramref name="deliveryDate"/> is read under.</summary>
    public ReferralReadOptions ReferralRules(DateOnly deliveryDate) =>
        new() { DeliveryDate = deliveryDate, MaxCourseEndWeeksAhead = MaxCourseEndWeeksAhead };

    /// <summary>How many rejected rows a result keeps as examples (the quarantine report keeps them all; the result counts them all).</summary>
    public int RejectionExamples { get; set; } = RejectionLog.DefaultExampleLimit;
}

/// <summary>The pseudonymisation key (<c>Pseudonymisation__Key</c>, base64, at least 32 bytes; Key Vault in Azure).</summary>
public sealed class PseudonymisationOptions
{
    public string? Key { get; set; }

    public Pseudonymizer CreatePseudonymizer() => Pseudonymizer.FromBase64(Key, AppSettingNames.PseudonymisationKey);

    internal static void Bind(PseudonymisationOptions options, IConfiguration configuration) =>
        options.Key = AppSettings.Read(configuration, AppSettingNames.PseudonymisationKey);
}

/// <summary>Fails start-up (ValidateOnStart) with the key's own clear message when it is missing, not base64 or too short.</summary>
internal sealed class PseudonymisationOptionsValidator : IValidateOptions<PseudonymisationOptions>
{
    public ValidateOptionsResult Validate(string? name, PseudonymisationOptions options)
    {
        try
        {
            options.CreatePseudonymizer();
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
