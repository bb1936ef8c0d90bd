// The English catalog of the generated privacy policy (see catalog.h). The reference wording: the other languages
// say the same things in their own idiom.
#include "policy/catalog.h"

namespace tillit::policy {
namespace {

using enum Msg;

constexpr Message kMessages[] = {
    {kTitle, "Privacy policy"},
    {kProcessorsTitle, "Processors and other recipients"},
    {kSkipLink, "Skip to content"},
    {kContents, "Contents"},
    {kVersionLine, "Version {{version}}, dated {{date}}."},
    {kFooter, "{{name}} · version {{version}}"},
    {kIntroDefault,
     "This privacy policy explains how {{name}} processes personal data{{#has_website}} when you use "
     "{{website}}{{/has_website}}: what we collect and where it comes from, why we use it and on what legal basis, "
     "who receives it, how long we keep it, and how you can use your rights."},

    {kHController, "Who is responsible for your data"},
    {kHData, "The personal data we process"},
    {kHSources, "Where the data comes from"},
    {kHPurposes, "Why we process your data and on what legal basis"},
    {kHConsent, "Consent and how to withdraw it"},
    {kHObjection, "Your right to object"},
    {kHMarketing, "Marketing and how to opt out"},
    {kHRecipients, "Who receives your data"},
    {kHRetention, "How long we keep your data"},
    {kHCookies, "Cookies and third-party tools"},
    {kHRights, "Your rights and how to use them"},
    {kHSecurity, "How we protect your data"},
    {kHAuthority, "Complaints to the supervisory authority"},
    {kHVersion, "Version and changes"},

    {kLabelCompany, "Company"},
    {kLabelOrgNumber, "Organisation number"},
    {kLabelAddress, "Postal address"},
    {kLabelEmail, "E-mail"},
    {kLabelPhone, "Phone"},
    {kLabelWebsite, "Website"},
    {kLabelRegister, "Register"},
    {kLabelDpo, "Data protection officer"},
    {kLabelPrivacyEmail, "Privacy requests"},
    {kLabelAuthority, "Supervisory authority"},
    {kLabelVersion, "Version"},
    {kLabelDate, "Date"},
    {kLabelRole, "Role"},
    {kLabelTask, "What they do"},
    {kLabelCategories, "Data they receive"},
    {kLabelPurposes, "Purposes"},
    {kLabelCountry, "Country"},
    {kLabelSafeguard, "Transfer safeguard"},

    {kControllerLead,
     "{{name}}{{#has_trade}} ({{trade}}){{/has_trade}} is the controller for the processing of personal data "
     "described in this policy. That means we decide why and how your data is processed, and we are responsible "
     "for doing it lawfully."},
    {kControllerContact,
     "If you have questions about this policy or about how we process your data, write to us at "
     "{{email}}."},

    {kDataLead, "We process the following personal data about you:"},
    {kDataNote,
     "Each purpose uses only the data it needs; the data a purpose uses is listed with the purpose further down."},
    {kGroupIdentity, "Basic information"},
    {kGroupContact, "Contact information"},
    {kGroupAccount, "Account and profile information"},
    {kGroupPayment, "Payment information"},
    {kGroupCustomer, "Customer history and engagement"},
    {kGroupActivity, "Customer activity"},
    {kGroupDevice, "Device information"},
    {kGroupCommunication, "Communication"},
    {kGroupMarketing, "Marketing choices"},
    {kGroupProfiling, "Derived information"},
    {kGroupOther, "Other information"},
    {kSourcesDefault,
     "Most of the personal data we process comes directly from you, for example when you create an account, place "
     "an order or contact us. Some of it is generated when you use our services and products."},
    {kSourcesOther, "We also receive personal data from the following sources:"},
    {kSourceItem, "{{source}}: {{categories}}."},

    {kPurposesLead,
     "We use your personal data only for the purposes described below. Each purpose has exactly one legal basis in "
     "the EU General Data Protection Regulation (GDPR); the table gives an overview."},
    {kPurposesCaption, "Purposes and legal bases"},
    {kColPurpose, "Purpose"},
    {kColBasis, "Legal basis"},
    {kBasisConsent, "consent"},
    {kBasisContract, "contract"},
    {kBasisLegalObligation, "legal obligation"},
    {kBasisLegitimateInterest, "legitimate interest"},
    {kBasisVitalInterest, "vital interests"},
    {kBasisPublicTask, "task in the public interest"},
    {kBasisTextConsent,
     "we process your data for the purpose only if you have said yes, and you can withdraw your consent at any time."},
    {kBasisTextContract,
     "the processing is necessary to fulfil our agreement with you, or to take steps you ask for before we enter into "
     "one."},
    {kBasisTextLegalObligation, "the law requires us to process the data."},
    {kBasisTextLegitimateInterest,
     "we have weighed our interest in the processing against your interests and rights and concluded that it is "
     "justified. You can object at any time."},
    {kBasisTextVitalInterest, "the processing is needed to protect someone's life or health."},
    {kBasisTextPublicTask, "the processing is needed for a task carried out in the public interest."},
    {kBasisArticle, "GDPR Article 6(1)({{letter}})"},
    {kPurposeData, "Data used"},
    {kPurposeDataAll, "any of the data listed above, as far as the case requires"},
    {kPurposeWithdraw, "You can withdraw your consent {{routes}}."},
    {kPurposeObject, "You can object {{routes}}."},
    {kPurposeConsentValidity, "Your consent is valid for {{duration}}; after that we ask you again."},
    {kPurposeRecipients, "Recipients"},
    {kPurposeNoDescription, "We use the data listed below for this purpose."},
    {kStdContract, "Delivering what you order"},
    {kStdCustomerService, "Customer service"},
    {kStdAnalytics, "Analysis and service improvement"},
    {kStdPersonalisation, "Personalised user experience"},
    {kStdMarketing, "Marketing"},
    {kStdProfiling, "Profiling for more relevant marketing"},
    {kStdMonitoring, "System monitoring and error correction"},
    {kStdSecurity, "Security and fraud prevention"},
    {kStdAccounting, "Accounting and other legal obligations"},
    {kStdContractText, "We use your data to fulfil our agreement with you when you order a product or service."},
    {kStdCustomerServiceText,
     "We use your data to help you as a customer, for example to answer questions and handle complaints."},
    {kStdAnalyticsText, "We analyse how our services are used in order to develop and improve them."},
    {kStdPersonalisationText, "We adapt our services and communication to your customer relationship."},
    {kStdMarketingText, "We use your data to tell you about our products and services."},
    {kStdProfilingText, "We derive your interests and needs from your data to make our marketing more relevant."},
    {kStdMonitoringText, "We monitor our systems for errors and problems, which involves some personal data."},
    {kStdSecurityText, "We use data to protect our users and ourselves against fraud, abuse and crime."},
    {kStdAccountingText, "The law requires us to keep accounting records, such as information about sales."},

    {kRoutePortalUrl, "on your self-service page {{link}}"},
    {kRoutePortal, "by managing your consents and reservations in your customer account"},
    {kRouteEmail, "by e-mail to {{email}}"},
    {kRouteLink, "with the unsubscribe link in every message we send you"},
    {kRoutePhoneNumber, "by phone on {{phone}}"},
    {kRoutePhone, "by calling our customer service"},
    {kRouteStaff, "by contacting our customer service"},
    {kOr, "or"},
    {kAnd, "and"},

    {kConsentLead,
     "Some of our processing is based on your consent. Giving consent is voluntary, and saying no has no "
     "consequence other than that we do not carry out that processing. You can withdraw a consent at any time, as "
     "easily as you gave it; the withdrawal applies from then on and does not affect processing that took place "
     "before."},
    {kConsentList, "These purposes are based on your consent:"},
    {kConsentItem, "{{purpose}}: you can withdraw your consent {{routes}}."},
    {kConsentRenewal,
     "If we change a consent-based purpose in a way that matters, your earlier consent no longer counts and we ask "
     "you again. Pre-ticked boxes, silence or closing a banner never count as consent."},
    {kObjectionLead,
     "Where we process your data on the basis of our legitimate interest, you have the right to object on grounds "
     "relating to your particular situation (GDPR Article 21). We then stop that processing of your data unless we "
     "can demonstrate compelling legitimate grounds that override your interests, or need the data to establish, "
     "exercise or defend a legal claim. If we continue, we tell you why."},
    {kObjectionMarketing,
     "You can always object to direct marketing, including profiling for direct marketing. We then stop at once, "
     "and you do not need to give a reason."},
    {kObjectionList, "You can object to these purposes:"},
    {kObjectionItem, "{{purpose}}: you can object {{routes}}."},

    {kChannelEmail, "by e-mail"},
    {kChannelSms, "by text message"},
    {kChannelPhone, "by phone"},
    {kChannelPost, "by addressed post"},
    {kMarketingLead, "We may contact you with marketing {{channels}}."},
    {kMarketingItemConsent, "{{purpose}} ({{channels}}): only with your consent."},
    {kMarketingItemLegitimate,
     "{{purpose}} ({{channels}}): on the basis of our legitimate interest; you can opt out at any time."},
    {kMarketingExistingCustomers,
     "If you are already our customer, we may send you e-mail and text messages about our own products and "
     "services similar to those you have bought, without asking for consent first. You can say no when we collect "
     "your contact details and in every message we send."},
    {kMarketingOptOutEmail,
     "To opt out, send an e-mail to {{email}}{{#has_subject}} with the subject line “{{subject}}”{{/has_subject}}."},
    {kMarketingRegisters,
     "Before we telephone you or send you addressed advertising, we check {{registers}}. If you have registered "
     "there, we do not contact you that way{{#exempt}} unless you are already our customer{{/exempt}}."},
    {kMarketingProhibition,
     "You can prohibit us from using your data for direct marketing, distance selling, market research and opinion "
     "polls. We record your prohibition and respect it in every mailing."},
    {kMarketingSuppression,
     "If you ask us to erase your data, we keep only a one-way fingerprint of your e-mail address, so that you "
     "cannot be put back on a marketing list by mistake."},

    {kRecipientsLead,
     "We disclose personal data only when it is needed for the purposes described above. Processors handle the "
     "data on our behalf under a data processing agreement and may not use it for their own purposes. Independent "
     "controllers are themselves responsible for how they process the data they receive."},
    {kRecipientsCaption, "Recipients of personal data"},
    {kColRecipient, "Recipient"},
    {kColRole, "Role"},
    {kColTask, "What they do"},
    {kColCountry, "Country"},
    {kColSafeguard, "Transfer safeguard"},
    {kRoleProcessor, "Processor"},
    {kRoleController, "Independent controller"},
    {kRoleThirdParty, "Third party"},
    {kServicePayment, "Payment"},
    {kServiceDelivery, "Delivery"},
    {kServiceHosting, "Hosting"},
    {kServiceAnalytics, "Analytics"},
    {kServiceAdvertising, "Advertising"},
    {kServiceChat, "Chat"},
    {kServiceEmail, "E-mail"},
    {kServiceReviews, "Reviews"},
    {kServiceWebsite, "Website"},
    {kServiceAccounting, "Accounting"},
    {kServiceIdentity, "Identification"},
    {kServiceSupport, "Support"},
    {kServiceMarketing, "Marketing"},
    {kServiceOther, "Other services"},
    {kSafeguardNone, "Not needed (inside the EU/EEA)"},
    {kSafeguardAdequacy, "EU adequacy decision (GDPR Article 45)"},
    {kSafeguardDpf, "EU–US Data Privacy Framework (adequacy decision, GDPR Article 45)"},
    {kSafeguardScc, "EU standard contractual clauses (GDPR Article 46)"},
    {kSafeguardBcr, "Binding corporate rules (GDPR Article 47)"},
    {kSafeguardDerogation, "Derogation for a specific situation (GDPR Article 49)"},
    {kRecipientsTransfers,
     "Some recipients are outside the EU/EEA. We transfer personal data to them only with the safeguard shown in "
     "the table, and you can ask us for a copy of it."},
    {kRecipientsNone, "We do not disclose your personal data to other companies."},
    {kRecipientsOverview,
     "An overview of our processors, with the data each of them receives and why, is available at {{link}}."},

    {kRetentionLead,
     "We keep personal data only for as long as we need it for the purposes it was collected for. When the period "
     "below has passed, our customer register deletes the data automatically."},
    {kRetentionCaption, "Retention periods"},
    {kColData, "Data"},
    {kColPeriod, "How long we keep it"},
    {kColWhy, "Why"},
    {kAnchorCollected, "after collection"},
    {kAnchorLastActivity, "after your last activity with us"},
    {kAnchorAgreementEnd, "after the agreement ends"},
    {kAnchorFiscalYearEnd, "after the end of the financial year"},
    {kAnchorCalendarYearEndAfterFy, "after the end of the calendar year in which the financial year ended"},
    {kAnchorErased, "after your data is erased"},
    {kRetentionPeriod, "{{duration}} {{anchor}}"},
    {kDurationYear, "1 year"},
    {kDurationYears, "{{n}} years"},
    {kDurationMonth, "1 month"},
    {kDurationMonths, "{{n}} months"},
    {kDurationDay, "1 day"},
    {kDurationDays, "{{n}} days"},
    {kRetentionAccounting,
     "Accounting records are kept for as long as {{law}} requires{{#has_years}} ({{years}}){{/has_years}}, even if "
     "you ask us to erase your data. Until then they are kept apart, used only for accounting, and then deleted."},
    {kAccountingYearsSplit, "{{books}} for the books and {{vouchers}} for vouchers"},
    {kRetentionAccountingReason, "Required by {{law}}."},
    {kRetentionDefaultReason, "Needed for the purposes described above."},
    {kRetentionOther, "Data not listed in the table is kept only for as long as the purposes above need it."},
    {kLawGeneric, "the bookkeeping law that applies to us"},
    {kKindOrder, "Orders"},
    {kKindPayment, "Payments"},
    {kKindDelivery, "Deliveries"},
    {kKindCartEvent, "Shopping cart activity"},
    {kKindDiscountUse, "Discount codes used"},
    {kKindLoyalty, "Loyalty programme"},
    {kKindAgreement, "Products and agreements"},
    {kKindUsage, "Use of products and services"},
    {kKindActivity, "Activity history"},
    {kKindDevice, "Device information"},
    {kKindMessage, "Messages"},

    {kCookiesLead,
     "Our website uses cookies and similar technologies. Those necessary for the site to work are always on; "
     "everything else is loaded only if you consent, and you can change your choice at any time in the cookie "
     "settings on our website."},
    {kCookiesCaption, "Cookies and third-party tools"},
    {kColTool, "Tool"},
    {kColProvider, "Provider"},
    {kColType, "Type"},
    {kColWhat, "What it does"},
    {kColLifetime, "Lifetime"},
    {kColWithoutConsent, "Without your consent"},
    {kCookieNecessary, "Necessary"},
    {kCookiePreferences, "Preferences"},
    {kCookieStatistics, "Statistics"},
    {kCookieMarketing, "Marketing"},
    {kWithoutNotLoaded, "Not loaded"},
    {kWithoutAnonymised, "Stores anonymised data only"},
    {kWithoutEssential, "Always on: necessary for the site to work"},
    {kCookiesBanner,
     "Your choice in the cookie settings applies only to cookies and similar tools. It never counts as consent to "
     "any other processing described in this policy."},

    {kRightsLead,
     "You have the rights listed below. Using them is free of charge. We answer within one month of receiving your "
     "request. If a request is complex, or we receive many, we may extend this by up to two more months; we then "
     "tell you why within the first month."},
    {kRightsIdentity,
     "Before we disclose or change any data, we confirm that the request comes from you with a one-time code sent "
     "to the contact details we have registered for you."},
    {kRightsRejected,
     "If we cannot meet a request, we tell you why, and that you can complain to the supervisory authority and take "
     "the matter to court."},
    {kRightAccessH, "Right of access"},
    {kRightAccess,
     "You can find out whether we process personal data about you and get a copy of it, together with the "
     "purposes, legal bases, recipients, retention periods and sources of the data. You can ask for this "
     "{{routes}}."},
    {kRightRectificationH, "Right to rectification"},
    {kRightRectification,
     "If data about you is wrong or incomplete, you can have it corrected or completed. You can ask for this "
     "{{routes}}."},
    {kRightErasureH, "Right to erasure"},
    {kRightErasure,
     "You can ask us to erase your personal data, for example when we no longer need it or when you withdraw the "
     "consent the processing was based on. We then erase it without undue delay and tell the recipients we "
     "disclosed it to. You can ask for this {{routes}}."},
    {kRightErasureAccounting,
     "Data that {{law}} requires us to keep, such as accounting records, is not erased until that period has "
     "ended; until then it is used only for accounting."},
    {kRightRestrictionH, "Right to restriction of processing"},
    {kRightRestriction,
     "You can ask us to restrict the processing of your data, for example while we check whether the data is "
     "correct or consider an objection. We then only store the data and use it only with your consent or for legal "
     "claims. You can ask for this {{routes}}."},
    {kRightPortabilityH, "Right to data portability"},
    {kRightPortability,
     "You can receive the data you have given us, and the data we have recorded about your use of our services, in "
     "a structured, commonly used and machine-readable format (JSON and CSV), and have it sent directly to another "
     "company where that is technically feasible. This applies to data we process on the basis of your consent or a "
     "contract with you. You can ask for this {{routes}}."},
    {kRightObjectionH, "Right to object"},
    {kRightObjection,
     "You can object to processing based on our legitimate interest, and you can always object to direct "
     "marketing; see “{{section}}” above. You can object {{routes}}."},
    {kRightWithdrawH, "Right to withdraw consent"},
    {kRightWithdraw,
     "Where we process your data on the basis of your consent, you can withdraw it at any time {{routes}}; see "
     "“{{section}}” above."},

    {kSecurityDefault,
     "We protect personal data with technical and organisational measures suited to the risk, such as access "
     "control, encryption and regular reviews of our routines."},
    {kSecurityRegister,
     "Your data is kept in a customer register that encrypts it with a separate key for each customer. Every "
     "look-up of your data must state its purpose, is checked against this policy and is recorded in a "
     "tamper-evident log. When your data is erased, its key is destroyed, so that no copy of it can be read any "
     "more, not even in backups."},
    {kAuthorityLead,
     "If you believe that we process your personal data in breach of the rules, you have the right to complain to "
     "the supervisory authority. We would appreciate it if you contacted us first, so that we can try to put things "
     "right."},
    {kAuthorityElsewhere,
     "You can also complain to the supervisory authority in the EU/EEA country where you live or work, or take the "
     "matter to court."},
    {kVersionGenerated,
     "This policy is generated from the same configuration that our customer register enforces, so it describes "
     "what the system actually does. Version {{version}} identifies that configuration; every consent you give "
     "records the version it was given under."},
    {kVersionChanges,
     "When we change this policy, we publish the new version here. Earlier versions are kept, so we can always "
     "show which text applied when."},

    {kProcessorsLead,
     "This overview lists the processors and other recipients that may receive personal data from {{name}}, what "
     "they receive and why. It supplements our privacy policy: {{link}}."},
    {kProcessorsNone, "We currently use no processors and disclose personal data to no other recipients."},
    {kBackToPolicy, "Privacy policy"},

    {kDate, "{{day}} {{month}} {{year}}"},
    {kMonth1, "January"},
    {kMonth2, "February"},
    {kMonth3, "March"},
    {kMonth4, "April"},
    {kMonth5, "May"},
    {kMonth6, "June"},
    {kMonth7, "July"},
    {kMonth8, "August"},
    {kMonth9, "September"},
    {kMonth10, "October"},
    {kMonth11, "November"},
    {kMonth12, "December"},
};

static_assert(IsCompleteCatalog(kMessages), "catalog_en.cc must list every message of catalog.h once, in order");

}  // namespace

std::span<const Message> EnglishMessages() { return kMessages; }

}  // namespace tillit::policy
