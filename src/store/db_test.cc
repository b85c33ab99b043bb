#include "store/db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace cs {
namespace {

TEST(DbErrorTest, CarriesSqlitesResultCodeSoALockCanBeToldFromAMistake) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("cs-db-" + std::to_string(::getpid()) + ".db"))
          .string();
  std::filesystem::remove(path);
  {
    Db holder(path, Db::Mode::kReadWrite);
    holder.Exec("CREATE TABLE t(x)");
    holder.Exec("BEGIN IMMEDIATE");
    Db other(path, Db::Mode::kReadWrite);
    other.Exec("PRAGMA busy_timeout=0");
    try {
      other.Exec("INSERT INTO t VALUES (1)");
      ADD_FAILURE() << "the write lock was held";
    } catch (const DbError& e) {
      EXPECT_TRUE(e.busy()) << e.what();
      EXPECT_EQ(e.code() & 0xff, SQLITE_BUSY);
    }
    try {
      Stmt bad(other, "SELEKT 1");
      ADD_FAILURE() << "not SQL";
    } catch (const DbError& e) {
      EXPECT_FALSE(e.busy());
      EXPECT_EQ(e.code(), SQLITE_ERROR);
    }
    holder.Exec("CREATE UNIQUE INDEX t_x ON t(x)");
    Stmt insert(holder, "INSERT INTO t VALUES (1)");
    insert.Run();
    try {
      insert.Run();
      ADD_FAILURE() << "a duplicate key";
    } catch (const DbError& e) {
      EXPECT_EQ(e.code(), SQLITE_CONSTRAINT_UNIQUE);
    }
    EXPECT_EQ(DbError("the store's own").code(), SQLITE_ERROR);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cs
