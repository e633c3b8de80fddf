// libphonenumber's Parse, IsValidNumber and IsPossibleNumber, step by step as in its phonenumberutil.cc (8.12), for
// a number of ASCII digits only. For such a number the library's region-independent steps change nothing: the
// possible number is the whole text (ExtractPossibleNumber), it is viable (IsViablePhoneNumber), it has no extension
// (MaybeStripExtension), no '+' (plus_chars_pattern) and no letters (Normalize). Each of those runs a large regular
// expression over the text, in every region asked; here they are skipped. The region-specific steps are repeated with
// the metadata's own patterns: where only whether a pattern matches counts (the number patterns, leading digits), by a
// position automaton of the pattern (digit_pattern.h), which answers as any engine does; where the end of the match
// counts (the international and national prefixes), by ICU, compiled as the library compiles them and called as it
// calls them (lookingAt). PhoneGradeTests compare the two readings over every region the library knows, and the
// automata with ICU over every pattern.
#include "digit_grader.h"
#include "compiled_metadata.h"
#include "digit_pattern.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdlib>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace promptgate {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

// libphonenumber's bounds on a national significant number (PhoneNumberUtil::kMinLengthForNsn, kMaxLengthForNsn)
// and on a country calling code's digits (kMaxLengthCountryCode).
constexpr size_t kMinLengthForNsn = 2;
constexpr size_t kMaxLengthForNsn = 17;
constexpr size_t kMaxLengthCountryCode = 3;

// One regular expression of the metadata. A pattern of digits alone matches only itself, and is compared as a string;
// one the position automaton reads (DigitPattern: every number pattern of the metadata) is matched by it where only
// whether it matches counts; any other, and where the end of ICU's match counts (a prefix to remove), is compiled by
// ICU on first use, with no flags, as the library's IcuRegExp does. A pattern ICU refuses never matches, as in the
// library.
class Pattern {
public:
    Pattern(std::string text, size_t id)
        : text_(std::move(text)), id_(id),
          literal_(std::all_of(text_.begin(), text_.end(), [](char c) { return c >= '0' && c <= '9'; })) {}

    const std::string &text() const { return text_; }
    bool literal() const { return literal_; }
    const DigitPattern *automaton() const {
        std::call_once(built_, [this] { automaton_ = DigitPattern::compile(text_); });
        return automaton_.get();
    }

    // RegExp::FullMatch: `input` (ASCII digits) matches as a whole.
    bool fullMatch(const std::string &input, bool icuOnly = false) const {
        if (literal_ && !icuOnly) return input == text_;
        if (!icuOnly) {
            if (const DigitPattern *automaton = this->automaton())
                return automaton->matches(input.data(), input.size());
        }
        icu::RegexMatcher *matcher = matcherFor(input);
        if (matcher == nullptr) return false;
        UErrorCode status = U_ZERO_ERROR;
        const bool matched = matcher->matches(0, status);
        return matched && U_SUCCESS(status);
    }

    // RegExp::Consume anchored at the start: how many leading digits of `input` the pattern matches, or -1.
    int lookingAt(const std::string &input) const {
        if (literal_) return input.compare(0, text_.size(), text_) == 0 ? static_cast<int>(text_.size()) : -1;
        icu::RegexMatcher *matcher = matcherFor(input);
        if (matcher == nullptr) return -1;
        UErrorCode status = U_ZERO_ERROR;
        if (!matcher->lookingAt(0, status) || U_FAILURE(status)) return -1;
        const int end = matcher->end(status);
        return U_SUCCESS(status) ? end : -1;
    }

    // Whether RegExp::Consume anchored at the start succeeds: some prefix of `input` matches.
    bool prefixMatches(const std::string &input, bool icuOnly = false) const {
        if (!icuOnly) {
            if (literal_) return input.compare(0, text_.size(), text_) == 0;
            if (const DigitPattern *automaton = this->automaton())
                return automaton->matchesPrefix(input.data(), input.size());
        }
        icu::RegexMatcher *matcher = matcherFor(input);
        if (matcher == nullptr) return false;
        UErrorCode status = U_ZERO_ERROR;
        return matcher->lookingAt(0, status) && U_SUCCESS(status);
    }

private:
    // A matcher of this pattern for this thread, reset to `input` (ICU matchers are not shared across threads).
    icu::RegexMatcher *matcherFor(const std::string &input) const {
        std::call_once(compiled_, [this] {
            UParseError error;
            UErrorCode status = U_ZERO_ERROR;
            icu::RegexPattern *pattern =
                icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(text_), 0, error, status);
            if (U_SUCCESS(status)) pattern_.reset(pattern);
            else delete pattern;
        });
        if (!pattern_) return nullptr;
        // The text first: the matchers that read it are destroyed before it when the thread ends.
        thread_local icu::UnicodeString text;
        thread_local std::vector<std::unique_ptr<icu::RegexMatcher>> matchers;
        if (matchers.size() <= id_) matchers.resize(id_ + 1);
        std::unique_ptr<icu::RegexMatcher> &matcher = matchers[id_];
        if (!matcher) {
            UErrorCode status = U_ZERO_ERROR;
            matcher.reset(pattern_->matcher(status));
            if (U_FAILURE(status)) {
                matcher.reset();
                return nullptr;
            }
        }
        // One input string per thread: each match reads it before the next one replaces it.
        text = icu::UnicodeString(input.data(), static_cast<int32_t>(input.size()), icu::UnicodeString::kInvariant);
        matcher->reset(text);
        return matcher.get();
    }

    const std::string text_;
    const size_t id_;
    const bool literal_;
    mutable std::once_flag compiled_;
    mutable std::unique_ptr<icu::RegexPattern> pattern_;
    mutable std::once_flag built_;
    mutable std::unique_ptr<DigitPattern> automaton_;
};

// A PhoneNumberDesc: its possible lengths and its national number pattern (null when the pattern is empty, which
// the library's matcher never matches).
struct Desc {
    std::vector<int> lengths;
    const Pattern *pattern = nullptr;
};

// PhoneNumberUtil::ValidationResult, the values TestNumberLength returns.
enum class Length { possible, possibleLocalOnly, tooShort, invalid, tooLong };

// What the library reads of one region's metadata (or one non-geographical entity's).
struct Region {
    std::string code;
    int countryCode = 0;
    std::string countryCodeText;
    const Pattern *internationalPrefix = nullptr;
    const Pattern *nationalPrefixForParsing = nullptr;  // null when empty
    bool hasTransformRule = false;
    const Pattern *leadingDigits = nullptr;  // null unless the metadata has leading digits
    Desc general;
    // premium rate, toll free, shared cost, VoIP, personal number, pager, UAN, voicemail: in GetNumberTypeHelper's
    // order; any of them makes a number valid.
    std::vector<Desc> special;
    Desc fixedLine;
    Desc mobile;
    bool sameMobileAndFixedLinePattern = false;
    std::vector<int> possibleLengths;   // the general desc's
    std::vector<int> localOnlyLengths;  // the general desc's
};

class Metadata {
public:
    static const Metadata &shared() {
        static const Metadata *const instance = new Metadata();
        return *instance;
    }

    bool usable() const { return usable_; }

    const Region *region(const std::string &code) const {
        // Two capital letters, as every region code is: a slot of the table, without a search.
        if (code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z')
            return byLetters_[(code[0] - 'A') * 26 + (code[1] - 'A')];
        auto found = regions_.find(code);
        return found == regions_.end() ? nullptr : found->second;
    }

    // GetMetadataForRegionOrCallingCode.
    const Region *regionOrCallingCode(int countryCode, const std::string &code) const {
        if (code == "001") {
            return countryCode > 0 && countryCode < 1000 ? nonGeographical_[countryCode] : nullptr;
        }
        return region(code);
    }

    // GetRegionCodesForCountryCallingCode: the library's own list.
    const std::vector<std::string> &regionsFor(int countryCode) const {
        static const std::vector<std::string> none;
        return countryCode > 0 && countryCode < static_cast<int>(byCountryCode_.size()) ? byCountryCode_[countryCode]
                                                                                         : none;
    }

private:
    Metadata() {
        PhoneMetadataCollection collection;
        if (!collection.ParseFromArray(
                i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size()))
            return;
        const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
        byCountryCode_.resize(1000);
        nonGeographical_.assign(1000, nullptr);
        byLetters_.assign(26 * 26, nullptr);
        // As the library reads its metadata: "ZZ" skipped, the first entry of a region kept.
        for (const PhoneMetadata &metadata : collection.metadata()) {
            if (metadata.id() == "ZZ") continue;
            auto *region = new Region(read(metadata));
            const std::string &id = metadata.id();
            if (id == "001") {
                const int code = metadata.country_code();
                if (code > 0 && code < 1000 && nonGeographical_[code] == nullptr) nonGeographical_[code] = region;
            } else if (regions_.emplace(id, region).second && id.size() == 2 && id[0] >= 'A' && id[0] <= 'Z'
                       && id[1] >= 'A' && id[1] <= 'Z') {
                byLetters_[(id[0] - 'A') * 26 + (id[1] - 'A')] = region;
            }
            // The regions of a calling code: the library's own list (it has one only for the codes of its metadata).
            const int code = metadata.country_code();
            if (code > 0 && code < 1000 && byCountryCode_[code].empty()) {
                std::list<std::string> codes;
                util->GetRegionCodesForCountryCallingCode(code, &codes);
                byCountryCode_[code].assign(codes.begin(), codes.end());
            }
        }
        usable_ = true;
    }

    const Pattern *pattern(const std::string &text) {
        auto found = patterns_.find(text);
        if (found != patterns_.end()) return found->second;
        auto *made = new Pattern(text, patterns_.size());
        patterns_.emplace(text, made);
        ordered_.push_back(made);
        return made;
    }

    Desc desc(const PhoneNumberDesc &desc) {
        Desc read;
        read.lengths.assign(desc.possible_length().begin(), desc.possible_length().end());
        if (!desc.national_number_pattern().empty()) read.pattern = pattern(desc.national_number_pattern());
        return read;
    }

    Region read(const PhoneMetadata &metadata) {
        Region region;
        region.code = metadata.id();
        region.countryCode = metadata.country_code();
        region.countryCodeText = std::to_string(metadata.country_code());
        region.internationalPrefix = pattern(metadata.international_prefix());
        if (!metadata.national_prefix_for_parsing().empty())
            region.nationalPrefixForParsing = pattern(metadata.national_prefix_for_parsing());
        region.hasTransformRule = !metadata.national_prefix_transform_rule().empty();
        if (metadata.has_leading_digits()) region.leadingDigits = pattern(metadata.leading_digits());
        region.general = desc(metadata.general_desc());
        for (const PhoneNumberDesc *special :
             {&metadata.premium_rate(), &metadata.toll_free(), &metadata.shared_cost(), &metadata.voip(),
              &metadata.personal_number(), &metadata.pager(), &metadata.uan(), &metadata.voicemail()}) {
            region.special.push_back(desc(*special));
        }
        region.fixedLine = desc(metadata.fixed_line());
        region.mobile = desc(metadata.mobile());
        region.sameMobileAndFixedLinePattern = metadata.same_mobile_and_fixed_line_pattern();
        region.possibleLengths = region.general.lengths;
        region.localOnlyLengths.assign(
            metadata.general_desc().possible_length_local_only().begin(),
            metadata.general_desc().possible_length_local_only().end());
        return region;
    }

public:
    // Every pattern read, in the order first read (for the tests).
    const std::vector<const Pattern *> &patterns() const { return ordered_; }

private:
    bool usable_ = false;
    std::map<std::string, const Pattern *> patterns_;
    std::vector<const Pattern *> ordered_;
    std::map<std::string, const Region *> regions_;
    std::vector<const Region *> byLetters_;        // by two-letter code: (first - 'A') * 26 + (second - 'A')
    std::vector<const Region *> nonGeographical_;  // by country calling code
    std::vector<std::vector<std::string>> byCountryCode_;
};

bool contains(const std::vector<int> &values, int value) {
    return std::find(values.begin(), values.end(), value) != values.end();
}

// IsMatch: the desc's pattern matches the whole number (lengths not read).
bool isMatch(const std::string &number, const Desc &desc) {
    return desc.pattern != nullptr && desc.pattern->fullMatch(number);
}

// IsNumberMatchingDesc: one of the desc's possible lengths (when it lists any), and its pattern.
bool matchesDesc(const std::string &number, const Desc &desc) {
    if (!desc.lengths.empty() && !contains(desc.lengths, static_cast<int>(number.size()))) return false;
    return isMatch(number, desc);
}

// GetNumberTypeHelper(...) != UNKNOWN.
bool hasType(const std::string &number, const Region &region) {
    if (!matchesDesc(number, region.general)) return false;
    for (const Desc &special : region.special) {
        if (matchesDesc(number, special)) return true;
    }
    if (matchesDesc(number, region.fixedLine)) return true;
    return !region.sameMobileAndFixedLinePattern && matchesDesc(number, region.mobile);
}

// TestNumberLength for the type UNKNOWN (the general desc's lengths). Assumes the general desc lists lengths (see
// `supported`).
Length testLength(size_t size, const Region &region) {
    const std::vector<int> &possible = region.possibleLengths;
    if (possible.front() == -1) return Length::invalid;
    const int length = static_cast<int>(size);
    if (contains(region.localOnlyLengths, length)) return Length::possibleLocalOnly;
    if (possible.front() == length) return Length::possible;
    if (possible.front() > length) return Length::tooShort;
    if (possible.back() < length) return Length::tooLong;
    return std::find(possible.begin() + 1, possible.end(), length) != possible.end() ? Length::possible
                                                                                       : Length::invalid;
}

// Whether this reading covers a region's metadata: no transform rule for the national prefix (its captured groups and
// replacement are not repeated here), and general lengths to test.
bool supported(const Region &region) { return !region.hasTransformRule && !region.possibleLengths.empty(); }

// MaybeStripNationalPrefixAndCarrierCode without a transform rule (see `supported`): the national prefix the
// pattern matches at the start is removed, unless the number fitted the general pattern and the rest does not.
void stripNationalPrefix(const Region &region, std::string &number) {
    if (number.empty() || region.nationalPrefixForParsing == nullptr) return;
    const bool viable = isMatch(number, region.general);
    const int end = region.nationalPrefixForParsing->lookingAt(number);
    if (end < 0) return;
    std::string rest = number.substr(static_cast<size_t>(end));
    if (viable && !isMatch(rest, region.general)) return;
    number = std::move(rest);
}

// ExtractCountryCode: the calling code `national` starts with (removed from it), or 0 when none does.
int extractCountryCode(const Metadata &metadata, std::string &national) {
    if (national.empty() || national[0] == '0') return 0;
    for (size_t i = 1; i <= kMaxLengthCountryCode; i++) {
        const int code = std::atoi(national.substr(0, i).c_str());
        if (!metadata.regionsFor(code).empty()) {
            national.erase(0, i);
            return code;
        }
    }
    return 0;
}

// MaybeExtractCountryCode for digits without a '+', in `home`: the calling code found and removed (0 when the number
// is national), or -1 when the library reports an error (an international prefix without a known calling code).
int extractFromDigits(const Metadata &metadata, const Region &home, std::string &national) {
    const int idd = home.internationalPrefix->lookingAt(national);
    // ParsePrefixAsIdd: a country calling code never starts with 0.
    if (idd >= 0 && (static_cast<size_t>(idd) == national.size() || national[static_cast<size_t>(idd)] != '0')) {
        national.erase(0, static_cast<size_t>(idd));
        if (national.size() <= kMinLengthForNsn) return -1;  // TOO_SHORT_AFTER_IDD
        const int code = extractCountryCode(metadata, national);
        return code == 0 ? -1 : code;  // INVALID_COUNTRY_CODE_ERROR
    }
    if (national.compare(0, home.countryCodeText.size(), home.countryCodeText) == 0) {
        // The region's own country calling code written without '+'.
        std::string potential = national.substr(home.countryCodeText.size());
        stripNationalPrefix(home, potential);
        if ((!isMatch(national, home.general) && isMatch(potential, home.general))
            || testLength(national.size(), home) == Length::tooLong) {
            national = std::move(potential);
            return home.countryCode;
        }
    }
    return 0;
}

}  // namespace

int gradeDigits(const std::string &digits, bool plus, const std::string &regionCode) {
    const Metadata &metadata = Metadata::shared();
    if (!metadata.usable()) return -1;
    const Region *home = metadata.region(regionCode);
    if (home == nullptr || !supported(*home)) return -1;

    // MaybeExtractCountryCode.
    std::string national = digits;
    int countryCode = 0;
    if (plus) {
        // MaybeStripInternationalPrefixAndNormalize removes the '+' and keeps the digits.
        if (national.size() <= kMinLengthForNsn) return 0;  // TOO_SHORT_AFTER_IDD
        countryCode = extractCountryCode(metadata, national);
        if (countryCode == 0) {
            // INVALID_COUNTRY_CODE_ERROR: ParseHelper drops the '+' and extracts again as from digits alone, and
            // refuses the number unless that finds a calling code.
            national = digits;
            countryCode = extractFromDigits(metadata, *home, national);
            if (countryCode <= 0) return 0;
        }
    } else {
        countryCode = extractFromDigits(metadata, *home, national);
        if (countryCode < 0) return 0;
    }

    // ParseHelper, after the country calling code.
    const Region *country = home;
    if (countryCode != 0) {
        const std::vector<std::string> &codes = metadata.regionsFor(countryCode);
        const std::string &main = codes.front();
        if (main != regionCode) country = metadata.regionOrCallingCode(countryCode, main);
    } else {
        countryCode = home->countryCode;
    }
    if (national.size() < kMinLengthForNsn) return 0;  // TOO_SHORT_NSN
    if (country != nullptr) {
        if (!supported(*country)) return -1;
        std::string potential = national;
        stripNationalPrefix(*country, potential);
        const Length length = testLength(potential.size(), *country);
        if (length != Length::tooShort && length != Length::possibleLocalOnly && length != Length::invalid) {
            national = std::move(potential);
        }
    }
    if (national.size() < kMinLengthForNsn || national.size() > kMaxLengthForNsn) return 0;
    // The national significant number is `national` itself: the library keeps its leading zeros as the "Italian
    // leading zero" count, and GetNationalSignificantNumber writes them back.

    // IsValidNumber: the region of the number (GetRegionCodeForNumber), then its types.
    const std::vector<std::string> &codes = metadata.regionsFor(countryCode);
    const Region *numberRegion = nullptr;
    std::string numberRegionCode;
    if (codes.size() == 1) {
        numberRegionCode = codes.front();
    } else {
        // GetRegionCodeForNumberFromRegionList.
        for (const std::string &code : codes) {
            const Region *candidate = metadata.region(code);
            if (candidate == nullptr) return -1;
            if (candidate->leadingDigits != nullptr) {
                if (candidate->leadingDigits->prefixMatches(national)) {
                    numberRegionCode = code;
                    break;
                }
            } else if (hasType(national, *candidate)) {
                numberRegionCode = code;
                break;
            }
        }
    }
    if (!numberRegionCode.empty()) {
        numberRegion = metadata.regionOrCallingCode(countryCode, numberRegionCode);
        // IsValidNumberForRegion: the region's country calling code must be the number's.
        if (numberRegion != nullptr && (numberRegionCode == "001" || numberRegion->countryCode == countryCode)
            && hasType(national, *numberRegion))
            return 2;
    }

    // IsPossibleNumber: the lengths of the country calling code's main region.
    if (codes.empty()) return 0;
    const Region *main = metadata.regionOrCallingCode(countryCode, codes.front());
    if (main == nullptr) return 0;
    if (main->possibleLengths.empty()) return -1;
    const Length length = testLength(national.size(), *main);
    return length == Length::possible || length == Length::possibleLocalOnly ? 1 : 0;
}

size_t patternCount() { return Metadata::shared().patterns().size(); }

int patternMatches(size_t index, const std::string &digits, bool whole, bool icu) {
    const std::vector<const Pattern *> &patterns = Metadata::shared().patterns();
    if (index >= patterns.size()) return -1;
    return (whole ? patterns[index]->fullMatch(digits, icu) : patterns[index]->prefixMatches(digits, icu)) ? 1 : 0;
}

bool patternHasAutomaton(size_t index) {
    const std::vector<const Pattern *> &patterns = Metadata::shared().patterns();
    return index < patterns.size() && !patterns[index]->literal() && patterns[index]->automaton() != nullptr;
}

std::string patternSample(size_t index, uint64_t seed, size_t limit) {
    const std::vector<const Pattern *> &patterns = Metadata::shared().patterns();
    if (index >= patterns.size()) return std::string();
    if (patterns[index]->literal()) return patterns[index]->text().substr(0, limit);
    const DigitPattern *automaton = patterns[index]->automaton();
    if (automaton == nullptr) return std::string();
    std::mt19937_64 random(seed);
    return automaton->sample(random, limit);
}

}  // namespace promptgate
