// libphonenumber's compiled-in metadata, a serialised PhoneMetadataCollection: the data PhoneNumberUtil loads itself
// (LoadCompiledInMetadata). Defined in the library; its own header (metadata.h) is not installed.
#ifndef PROMPTGATE_COMPILED_METADATA_H
#define PROMPTGATE_COMPILED_METADATA_H

namespace i18n {
namespace phonenumbers {
int metadata_size();
const void *metadata_get();
}  // namespace phonenumbers
}  // namespace i18n

#endif
