// What the tests that compare the digit reading (digit_grader.cpp) with the library read: the regions libphonenumber
// knows, digit strings worth asking in each, and the metadata's patterns matched both ways.
#include "CPhoneNumber.h"
#include "compiled_metadata.h"
#include "digit_grader.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// Copies `text` into `out` when it fits, and returns its length.
size_t copyOut(const std::string &text, char *out, size_t capacity) {
    if (out != nullptr && text.size() <= capacity) std::memcpy(out, text.data(), text.size());
    return text.size();
}

bool isDigits(const std::string &text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

size_t pg_phone_regions(char *codes, size_t capacity) {
    std::set<std::string> regions;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
    std::string all;
    for (const std::string &region : regions) all += region;
    return copyOut(all, codes, capacity);
}

size_t pg_phone_samples(const char *region_code, char *out, size_t capacity) {
    if (region_code == nullptr) return 0;
    const std::string region(region_code, 2);
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneMetadataCollection collection;
    if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size())) return 0;
    const PhoneMetadata *metadata = nullptr;
    for (const PhoneMetadata &each : collection.metadata()) {
        if (each.id() == region) metadata = &each;
    }
    if (metadata == nullptr) return 0;
    const std::string country = std::to_string(metadata->country_code());
    std::string trunk;
    util->GetNddPrefixForRegion(region, true, &trunk);
    // The international prefix as dialled: the preferred one, or the pattern itself when it is plain digits.
    std::vector<std::string> idds = {"00", "011", "810"};
    if (!metadata->preferred_international_prefix().empty() && isDigits(metadata->preferred_international_prefix()))
        idds.push_back(metadata->preferred_international_prefix());
    if (isDigits(metadata->international_prefix())) idds.push_back(metadata->international_prefix());

    // The example number of each type, national significant number.
    std::vector<std::string> examples;
    std::set<PhoneNumberUtil::PhoneNumberType> types;
    util->GetSupportedTypesForRegion(region, &types);
    for (PhoneNumberUtil::PhoneNumberType type : types) {
        PhoneNumber number;
        if (!util->GetExampleNumberForType(region, type, &number)) continue;
        std::string national;
        util->GetNationalSignificantNumber(number, &national);
        examples.push_back(national);
    }

    std::vector<std::string> samples;
    for (const std::string &national : examples) {
        std::vector<std::string> forms = {national, trunk + national, country + national, country + trunk + national};
        for (const std::string &idd : idds) {
            forms.push_back(idd + country + national);
            forms.push_back(idd + country + trunk + national);
            forms.push_back(idd + national);
        }
        for (const std::string &form : forms) {
            samples.push_back(form);
            // One digit less, one more, the last changed, the first changed: near misses of each length.
            if (form.size() > 3) samples.push_back(form.substr(0, form.size() - 1));
            samples.push_back(form + "7");
            std::string changed = form;
            changed.back() = changed.back() == '9' ? '0' : static_cast<char>(changed.back() + 1);
            samples.push_back(changed);
            changed = form;
            changed.front() = changed.front() == '9' ? '1' : static_cast<char>(changed.front() + 1);
            samples.push_back(changed);
        }
    }
    std::string all;
    for (const std::string &sample : samples) {
        if (sample.size() < 3 || !isDigits(sample)) continue;
        all += sample;
        all += '\n';
    }
    return copyOut(all, out, capacity);
}

size_t pg_phone_pattern_count(void) { return promptgate::patternCount(); }

int pg_phone_pattern_match(size_t index, const char *digits, size_t length, int whole, int icu) {
    if (digits == nullptr && length > 0) return -1;
    const std::string text = length > 0 ? std::string(digits, length) : std::string();
    if (!isDigits(text)) return -1;
    return promptgate::patternMatches(index, text, whole != 0, icu != 0);
}

int pg_phone_pattern_automaton(size_t index) { return promptgate::patternHasAutomaton(index) ? 1 : 0; }

size_t pg_phone_pattern_sample(size_t index, uint64_t seed, char *out, size_t capacity) {
    return copyOut(promptgate::patternSample(index, seed, capacity), out, capacity);
}
